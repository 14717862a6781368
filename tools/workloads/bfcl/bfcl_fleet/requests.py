"""Threads → OpenAI Chat Completions request bodies with their expected answers."""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass

from .agents import AGENTS
from .conversations import Thread


@dataclass
class Request:
    """One request of the workload, before the SDK has serialized it."""

    agent: str
    task: str
    category: str
    conversation: str
    bfcl_id: str
    turn: int  # 1-based index within the agent's thread
    stream: bool
    body: dict
    expected: dict  # {"content": str|None, "tool_calls": [{"name", "arguments"}]}
    function: str | None = None


def call_id(seed: int, conversation: str, turn: int, index: int) -> str:
    """Deterministic OpenAI-style tool call id, unique per conversation, turn and call."""
    digest = hashlib.sha256(f"{seed}:{conversation}:{turn}:{index}".encode()).hexdigest()
    return "call_" + digest[:24]


def thread_requests(thread: Thread, model: str, seed: int, rng: random.Random, stream_share: float) -> list[Request]:
    """One request per turn, each carrying the thread so far.

    History after a turn with calls is: the assistant message with all of the turn's calls (as
    parallel tool_calls, even where BFCL lists sequential steps), then one `tool` message per
    call with the executed result. After a text answer the history holds that text.
    """
    agent = AGENTS[thread.agent]
    messages: list[dict] = [{"role": "system", "content": agent.system_prompt}]
    requests = []
    for number, turn in enumerate(thread.turns, start=1):
        messages.append({"role": "user", "content": turn.user})
        stream = rng.random() < stream_share
        body = {"model": model, "messages": [dict(m) for m in messages]}
        if thread.tools:
            body["tools"] = thread.tools
        body["temperature"] = agent.temperature
        if stream:
            body["stream"] = True
            body["stream_options"] = {"include_usage": True}
        expected = {"content": turn.text if not turn.calls else None, "tool_calls": turn.calls}
        requests.append(Request(agent=thread.agent, task=thread.task, category=thread.category,
                                conversation=thread.conversation, bfcl_id=thread.bfcl_id, turn=number,
                                stream=stream, body=body, expected=expected, function=thread.function))
        if turn.calls:
            ids = [call_id(seed, thread.conversation, number, i) for i in range(len(turn.calls))]
            messages.append({
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": cid, "type": "function",
                     "function": {"name": call["name"],
                                  "arguments": json.dumps(call["arguments"], ensure_ascii=False,
                                                        separators=(",", ":"))}}
                    for cid, call in zip(ids, turn.calls)
                ],
            })
            for cid, result in zip(ids, turn.results):
                messages.append({"role": "tool", "tool_call_id": cid, "content": result})
        else:
            messages.append({"role": "assistant", "content": turn.text or ""})
    return requests
