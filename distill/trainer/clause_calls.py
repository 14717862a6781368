"""Prompt feature `clause_calls`: a question of several clauses is answered one clause at a time.

For clusters whose requests bring their own tools (the BFCL generic agent), parallel and
parallel_multiple requests want 2–4 calls and the scratch model writes one (0 of 49 held-out
in-request answers right). Most of them ask one thing per clause ("Find X in Berkeley within
10 km. Also find one around Tokyo within 5 km."): on the training answers, every call's own
values (those the answer's other calls do not share) lie in one clause of `clause_tools.clauses`,
in clause order, for 64 of 147 `parallel` and 66 of 134 `parallel_multiple` answers
(distill/MEASUREMENTS.md). Each clause then asks for a short answer of 0–2 calls, the kind of
answer the model gets right more often (`simple_python`).

The rule (PROMPT_FORMAT.md, "Prompt features"):
- a question (the content of the request's last user message) of at least 2 clauses
  (`clause_tools.clauses`) is answered once per clause; the prompt of clause k is the request's
  prompt with `<|clause|>` and the clause's text before the final `<|answer|>`; the clause's text
  is escaped and slotted (`slots.slot_text`) with a copy of the prompt's slot table, so a value
  the question already has is written as the same slot; then the slots are renumbered, the
  clause's values first (by first appearance in the clause), the others after them in their
  order, and every `<Sk>` of the prompt is rewritten alike (a tiny model writes `<S0>`, `<S1>`
  for most answers: numbered so, they are the clause's values);
- the answer is the calls of the clauses' answers, in clause order (each restored with its own
  prompt's table); when no clause's answer has a call, the request's own prompt is answered.
- training: a multi-clause training answer made of calls gets one extra example per clause, whose
  answer is the calls that clause asks for (`split_calls`); the whole example stays.
"""

from __future__ import annotations

import copy
import json
import re

from .clause_tools import clauses
from .population import leaves
from .prompt import ANSWER, RenderedPrompt, escape
from .slot_order import renumbered
from .slots import slot_text

FEATURE = "clause_calls"
CLAUSE = "<|clause|>"
_WORD = re.compile(r"[^ \t\n\r\v\f]+")
_SLOT = re.compile(r"<S(\d+)>")


def clause_prompts(prompt: RenderedPrompt, question: str) -> list[RenderedPrompt]:
    """One prompt per clause of the question; empty when it has fewer than 2 clauses."""
    parts = clauses(question)
    if len(parts) < 2:
        return []
    assert prompt.text.endswith(ANSWER)
    out = []
    for part in parts:
        table = copy.deepcopy(prompt.slots)
        clause = slot_text(escape(part), table)
        text = prompt.text[: -len(ANSWER)] + CLAUSE + clause + ANSWER
        out.append(_clause_first(RenderedPrompt(text, table, prompt.head, prompt.name_slots), clause))
    return out


def _clause_first(prompt: RenderedPrompt, clause: str) -> RenderedPrompt:
    """The prompt with its slots renumbered: the clause's values first (by first appearance in the
    clause), then the others in their order. A tiny model writes `<S0>`, `<S1>`, … for most
    answers; numbered so, those are the clause's values."""
    first: list[int] = []
    for match in _SLOT.finditer(clause):
        if int(match.group(1)) not in first:
            first.append(int(match.group(1)))
    return renumbered(prompt, first + [i for i in range(len(prompt.slots.slots)) if i not in first])


def _leaves(value) -> list:
    """The leaves of `value` that can be a question's value: no booleans, no nulls."""
    return [leaf for leaf in leaves(value) if not (isinstance(leaf, bool) or leaf is None)]


def _texts(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    texts = [str(value)]
    if isinstance(value, int) and abs(value) >= 1000:
        texts.append(f"{value:,}")
    return texts


def _position(question: str, value) -> int | None:
    """Where a value is written in the question (a whole-token, case-insensitive match), or None."""
    lowered = question.lower()
    for text in _texts(value):
        match = re.search(r"(?<![\w.])" + re.escape(text.lower()) + r"(?!\w)", lowered)
        if match:
            return match.start()
    return None


def _clause_starts(question: str) -> list[int] | None:
    """The offsets where `clauses(question)` start, or None when a short clause was dropped (its
    values would belong to no clause)."""
    words = list(_WORD.finditer(question))
    parts = clauses(question)
    if sum(len(p.split(" ")) for p in parts) != len(words):
        return None
    starts, index = [], 0
    for part in parts:
        starts.append(words[index].start())
        index += len(part.split(" "))
    return starts


def split_calls(question: str, calls: list[dict]) -> list[list[dict]] | None:
    """The calls each clause asks for (a list per clause, in clause order), or None when the
    answer does not decompose: fewer than 2 clauses, a clause dropped, a call none of whose values
    the question writes, a call whose own values lie in two clauses, or clauses out of the
    answer's order. A call's own values are those no other call of the answer has (all its values
    when every one is shared)."""
    starts = _clause_starts(question) if calls else None
    if starts is None or len(starts) < 2:
        return None
    keys = [[json.dumps(v) for v in _leaves(c.get("arguments") or {})] for c in calls]
    values = [list(_leaves(c.get("arguments") or {})) for c in calls]
    owners = []
    for k, own in enumerate(values):
        others = [set(keys[j]) for j in range(len(calls)) if j != k]
        distinct = [v for v, key in zip(own, keys[k]) if all(key not in o for o in others)]
        positions = [p for v in distinct if (p := _position(question, v)) is not None]
        if not positions:
            positions = [p for v in own if (p := _position(question, v)) is not None]
        clauses_hit = {sum(1 for s in starts if s <= p) - 1 for p in positions}
        if len(clauses_hit) != 1:
            return None
        owners.append(clauses_hit.pop())
    if owners != sorted(owners):
        return None
    return [[c for c, owner in zip(calls, owners) if owner == k] for k in range(len(starts))]


def clause_copies(example) -> list:
    """The training copies of a multi-clause call answer, one per clause (`split_calls`), each
    answering with its clause's calls (none for a clause that asks for none)."""
    from dataclasses import replace

    from .retrieval import query_text

    calls = example.target.get("tool_calls") or []
    groups = split_calls(query_text(example.messages), calls) if calls and not example.target.get("content") else None
    if groups is None:
        return []
    return [replace(example, id=f"{example.id}#clause{k}", clause=k, weight=example.weight,
                    target={"content": None, "tool_calls": group}) for k, group in enumerate(groups)]


def merged(responses: list[dict | None]) -> dict | None:
    """The answer of a question answered per clause: the clauses' calls in clause order; None when
    no clause's answer has a call (the request's own prompt is answered then)."""
    calls = [call for response in responses if response for call in response.get("tool_calls") or []]
    return {"content": None, "tool_calls": calls} if calls else None
