"""BFCL entries → agent threads: the user turns each agent sees, with the ground-truth answers.

A BFCL multi-turn conversation often spans two suites (e.g. file system + posting). The fleet
has one agent per suite, so a front desk dispatches every user turn to the agent(s) whose tools
the turn's ground-truth calls use; each agent keeps its own thread of the conversation (its own
turns, its own calls and tool results). A turn without calls (a clarification turn of
multi_turn_miss_param) goes to the agent of the next turn that has calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .agents import AGENT_BY_CLASS, AGENTS, GENERIC
from .backends import Session, method_parameters
from .calls import parse_call, single_turn_answer
from .schema import openai_tool

CLARIFY_TEXT = "Before I do that, I need one more detail from you: please tell me the exact name or value to use."
NO_ACTION_TEXT = "I can't do that with the tools I have here; let me know if there is anything else I can help with."


def refusal_text(function_names: list[str]) -> str:
    """The generic agent's answer when none of the request's functions apply (irrelevance)."""
    names = ", ".join(function_names)
    return f"I can't help with that: none of the available functions ({names}) applies to this request."


@dataclass
class Turn:
    """One user turn of a thread and the ground-truth answer to it."""

    user: str
    calls: list[dict] = field(default_factory=list)  # canonical tool calls, in order
    results: list[str] = field(default_factory=list)  # one tool result per call
    text: str | None = None  # the answer when there are no calls


@dataclass
class Thread:
    """What one agent sees of one conversation: one request per turn."""

    conversation: str
    agent: str
    task: str
    category: str
    bfcl_id: str
    tools: list[dict]
    turns: list[Turn]
    function: str | None = None  # generic agent: the called (or first offered) function


def multi_turn_threads(entry: dict, category: str) -> list[Thread]:
    """Runs one multi-turn conversation against BFCL's backends and splits it per agent."""
    session = Session(entry["involved_classes"], entry.get("initial_config", {}),
                      long_context=category == "multi_turn_long_context")

    def positional(name: str) -> list[str]:
        owner = session.class_of(name)
        if owner is None:
            return []
        return method_parameters(owner).get(name, [])

    planned = []  # (user text, [(agent, call)])
    for messages, sources in zip(entry["question"], entry["ground_truth"]):
        user = "\n".join(m["content"] for m in messages if m.get("role") == "user")
        calls = [parse_call(source, positional) for source in sources]
        routed = []
        for call in calls:
            owner = session.class_of(call["name"])
            if owner is None:
                raise ValueError(f"{entry['id']}: no suite implements {call['name']}")
            routed.append((AGENT_BY_CLASS[owner], call))
        planned.append((user, routed))

    fallback = AGENT_BY_CLASS[_primary_class(entry)]
    threads: dict[str, list[Turn]] = {}
    for index, (user, routed) in enumerate(planned):
        if not user:
            continue  # a turn without user text (not produced by the categories used here)
        results = [session.execute(call) for _, call in routed]
        if not routed:
            later = [r[0][0] for _, r in planned[index + 1:] if r]
            agent = later[0] if later else fallback
            text = CLARIFY_TEXT if category == "multi_turn_miss_param" else NO_ACTION_TEXT
            threads.setdefault(agent, []).append(Turn(user=user, text=text))
            continue
        for agent in dict.fromkeys(a for a, _ in routed):
            turn = Turn(user=user)
            for (owner, call), result in zip(routed, results):
                if owner == agent:
                    turn.calls.append(call)
                    turn.results.append(result)
            threads.setdefault(agent, []).append(turn)
    return [
        Thread(conversation=f"{entry['id']}/{agent}", agent=agent, task=agent, category=category,
               bfcl_id=entry["id"], tools=AGENTS[agent].tools, turns=turns)
        for agent, turns in threads.items()
    ]


def _primary_class(entry: dict) -> str:
    path = entry.get("path") or []
    return path[0].split(".")[0] if path else entry["involved_classes"][0]


def single_turn_thread(entry: dict, category: str) -> Thread:
    """One single-turn entry → a one-turn thread of the generic agent."""
    messages = entry["question"][0]
    user = "\n".join(m["content"] for m in messages if m.get("role") == "user")
    tools = [openai_tool(doc) for doc in entry["function"]]
    names = [tool["function"]["name"] for tool in tools]
    if category == "irrelevance":
        turn = Turn(user=user, text=refusal_text(names))
        function = names[0] if names else None
    else:
        calls = single_turn_answer(entry["ground_truth"])
        unknown = [c["name"] for c in calls if c["name"] not in names]
        if unknown:
            raise ValueError(f"{entry['id']}: ground truth calls {unknown}, not among the offered {names}")
        turn = Turn(user=user, calls=calls, results=[])
        function = calls[0]["name"] if calls else None
    return Thread(conversation=entry["id"], agent=GENERIC, task=category, category=category,
                  bfcl_id=entry["id"], tools=tools, turns=[turn], function=function)
