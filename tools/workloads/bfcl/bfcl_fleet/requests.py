"""Threads → request bodies (OpenAI Chat Completions or Anthropic Messages) with expected answers."""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass

from .agents import AGENTS
from .conversations import Thread, Turn

CHAT = "chat.completions"
MESSAGES = "messages"
PATHS = {CHAT: "/v1/chat/completions", MESSAGES: "/v1/messages"}
ANTHROPIC_MAX_TOKENS = 1024


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
    api: str = CHAT
    function: str | None = None


def call_id(seed: int, conversation: str, turn: int, index: int, prefix: str = "call_") -> str:
    """Deterministic tool call id, unique per conversation, turn and call."""
    digest = hashlib.sha256(f"{seed}:{conversation}:{turn}:{index}".encode()).hexdigest()
    return prefix + digest[:24]


def _compact(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _ChatHistory:
    """OpenAI Chat Completions: system message, assistant tool_calls, one `tool` message per result."""

    def __init__(self, system: str):
        self.messages: list[dict] = [{"role": "system", "content": system}]

    def user(self, text: str) -> None:
        self.messages.append({"role": "user", "content": text})

    def answer(self, turn: Turn, ids: list[str]) -> None:
        if not turn.calls:
            self.messages.append({"role": "assistant", "content": turn.text or ""})
            return
        self.messages.append({"role": "assistant", "content": None, "tool_calls": [
            {"id": cid, "type": "function",
             "function": {"name": call["name"], "arguments": _compact(call["arguments"])}}
            for cid, call in zip(ids, turn.calls)]})
        for cid, result in zip(ids, turn.results):
            self.messages.append({"role": "tool", "tool_call_id": cid, "content": result})

    def body(self, model: str, tools: list[dict], temperature: float, stream: bool) -> dict:
        body = {"model": model, "messages": [dict(m) for m in self.messages]}
        if tools:
            body["tools"] = tools
        body["temperature"] = temperature
        if stream:
            body["stream"] = True
            body["stream_options"] = {"include_usage": True}
        return body


class _AnthropicHistory:
    """Anthropic Messages: `system` field, tool_use blocks, tool_result blocks in a user message.

    Roles must alternate, so the next user text joins the user message holding the tool results.
    """

    def __init__(self, system: str):
        self.system = system
        self.messages: list[dict] = []

    def user(self, text: str) -> None:
        last = self.messages[-1] if self.messages else None
        if last and last["role"] == "user" and isinstance(last["content"], list):
            last["content"] = [*last["content"], {"type": "text", "text": text}]
        else:
            self.messages.append({"role": "user", "content": text})

    def answer(self, turn: Turn, ids: list[str]) -> None:
        if not turn.calls:
            self.messages.append({"role": "assistant", "content": turn.text or ""})
            return
        self.messages.append({"role": "assistant", "content": [
            {"type": "tool_use", "id": cid, "name": call["name"], "input": call["arguments"]}
            for cid, call in zip(ids, turn.calls)]})
        self.messages.append({"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": cid, "content": result}
            for cid, result in zip(ids, turn.results)]})

    def body(self, model: str, tools: list[dict], temperature: float, stream: bool) -> dict:
        body = {"model": model, "max_tokens": ANTHROPIC_MAX_TOKENS, "system": self.system,
                "messages": [dict(m) for m in self.messages]}
        if tools:
            body["tools"] = [{"name": t["function"]["name"], "description": t["function"]["description"],
                              "input_schema": t["function"]["parameters"]} for t in tools]
        # No temperature: the installed anthropic SDK (2.x) no longer accepts it on messages.create.
        if stream:
            body["stream"] = True
        return body


def thread_requests(thread: Thread, model: str, seed: int, rng: random.Random, stream_share: float,
                    api: str = CHAT) -> list[Request]:
    """One request per turn, each carrying the thread so far.

    History after a turn with calls is: the assistant message with all of the turn's calls (as
    parallel tool calls, even where BFCL lists sequential steps), then the executed results. After
    a text answer the history holds that text.
    """
    agent = AGENTS[thread.agent]
    history = _AnthropicHistory(agent.system_prompt) if api == MESSAGES else _ChatHistory(agent.system_prompt)
    prefix = "toolu_" if api == MESSAGES else "call_"
    requests = []
    for number, turn in enumerate(thread.turns, start=1):
        history.user(turn.user)
        stream = rng.random() < stream_share
        body = history.body(model, thread.tools, agent.temperature, stream)
        expected = {"content": turn.text if not turn.calls else None, "tool_calls": turn.calls}
        requests.append(Request(agent=thread.agent, task=thread.task, category=thread.category,
                                conversation=thread.conversation, bfcl_id=thread.bfcl_id, turn=number,
                                stream=stream, body=body, expected=expected, api=api, function=thread.function))
        history.answer(turn, [call_id(seed, thread.conversation, number, i, prefix) for i in range(len(turn.calls))])
    return requests
