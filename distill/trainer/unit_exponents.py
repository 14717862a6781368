"""Prompt feature `unit_exponents` (clusters whose requests bring their own tools): a number value
slot that the user text writes only as a unit's exponent (the `2` of `m/s^2`, the `3` of
`g/cm^3`) is never written as an argument value.

The slot scanner makes such numbers value slots, and a scratch specialist copies them: BFCL
generic, seed 0, 8 of 200 held-out answers write one (`time` = the `2` of "5 m/s^2"), while no
training answer of the cluster does (15 training prompts hold one). Decoding only, the prompt is
unchanged (PROMPT_FORMAT.md, "Prompt features"):
- the *user text* is the contents of the request's user messages joined by `\\n`;
- an *occurrence* of a slot's text there is a match whose preceding character is no ASCII letter,
  digit or `.` and whose following character is no ASCII letter or digit (a following `.` is
  allowed: the `2` of `2.5` is an occurrence, not the `5`);
- a slot of kind `number` (not a tool name or parameter name) whose text has at least one
  occurrence, every one right after `^`, is an *exponent slot*; the Swift constraint never lets it
  stand for a value (evaluate.py never generates its token).
"""

from __future__ import annotations

import re

FEATURE = "unit_exponents"


def user_text(messages: list[dict]) -> str:
    """The contents of the user messages, joined by a newline."""
    return "\n".join(str(m.get("content") or "") for m in messages if m.get("role") == "user")


def _occurrences(text: str, haystack: str) -> list[int]:
    pattern = r"(?<![0-9A-Za-z.])" + re.escape(text) + r"(?![0-9A-Za-z])"
    return [match.start() for match in re.finditer(pattern, haystack)]


def exponent_slots(table, text: str) -> list[int]:
    """The indices (ascending) of the table's number value slots written only as exponents in `text`."""
    found = []
    for index, slot in enumerate(table.slots):
        if slot.kind != "number" or slot.tool_name or slot.key:
            continue
        starts = _occurrences(slot.text, text)
        if starts and all(start > 0 and text[start - 1] == "^" for start in starts):
            found.append(index)
    return found


def copying_answers(examples, tools_of, max_slots: int) -> int:
    """How many of the examples' answers copy an exponent slot of their prompt (the trainer lists
    the feature only when none does); `tools_of(example)`: the tools its prompt lists."""
    from .population import answer_leaves
    from .prompt import render_prompt

    count = 0
    for example in examples:
        table = render_prompt(example.messages, max_slots, tools_of(example)).slots
        exponents = set(exponent_slots(table, user_text(example.messages)))
        count += bool(exponents) and any(table.find(leaf) in exponents for leaf in answer_leaves(example.target))
    return count


def exponent_tokens(tokenizer, table, text: str) -> list[int]:
    """Token ids evaluate.py must not generate for a prompt with this slot table and user text:
    its exponent slots' `<Sk>` (they never stand for a value; the Swift constraint bans them only
    as values, which is the same for a request-tools answer: its names and keys are other slots)."""
    from .slots import slot_token

    vocabulary = tokenizer.get_vocab()
    return [vocabulary[slot_token(i)] for i in exponent_slots(table, text) if slot_token(i) in vocabulary]
