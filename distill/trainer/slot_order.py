"""Prompt feature `recent_slots`: slots numbered by recency, the most recently written value first.

Prompt format v3 numbers slots in order of first appearance, so in a long multi-turn conversation
the value an answer needs (the access token the user just repeated, the booking id the last tool
returned) is `<S13>` in one request and `<S34>` in the next: a tiny model learns absolute numbers
from 50-300 examples and writes the wrong one. Numbered by recency, the answer's values are mostly
the lowest slots (BFCL travel training answers: 15% of slot references below `<S4>` by first
appearance, 51% by recency; vehicle 72% → 96%).

The rule (PROMPT_FORMAT.md, "Prompt features"): after the prompt is rendered, slots are ordered
by the position of their last slot token in the prompt text, latest first; slots whose token never
appears keep their order after them. Every `<Sk>` of the text is rewritten to its new number and
the slot table is permuted alike, so answers are written and restored with the new numbers.
"""

from __future__ import annotations

import re

from .prompt import RenderedPrompt
from .slots import SlotTable, slot_token

FEATURE = "recent_slots"
_SLOT = re.compile(r"<S(\d+)>")


def recency_order(text: str, count: int) -> list[int]:
    """Old slot numbers in their new order (new number = position in the list)."""
    last: dict[int, int] = {}
    for match in _SLOT.finditer(text):
        last[int(match.group(1))] = match.start()
    return sorted(range(count), key=lambda i: (0, -last[i]) if i in last else (1, i))


def renumber_by_recency(prompt: RenderedPrompt) -> RenderedPrompt:
    return renumbered(prompt, recency_order(prompt.text, len(prompt.slots.slots)))


def renumbered(prompt: RenderedPrompt, order: list[int]) -> RenderedPrompt:
    """The prompt with slot `order[k]` renumbered `<Sk>` in its text, head and table."""
    new_number = {old: new for new, old in enumerate(order)}

    def rewrite(text: str) -> str:
        return _SLOT.sub(lambda m: slot_token(new_number.get(int(m.group(1)), int(m.group(1)))), text)

    table = SlotTable([prompt.slots.slots[old] for old in order], prompt.slots.limit, prompt.slots.tool_keys,
                      prompt.slots.units, prompt.slots.tags)
    return RenderedPrompt(rewrite(prompt.text), table, rewrite(prompt.head), prompt.name_slots)
