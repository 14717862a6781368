"""Prompt feature `distinct_slots`: within one call, decoding never writes a value slot the call
already wrote.

No training call of the BFCL multi-turn suites writes one value twice (0 of 1,446 calls, any depth
of the arguments), but a scratch specialist does, and those are most of its wrong-value misses
(seed 0, the `mtdc` fleet, Swift: travel `book_flight` with `<S3>` as class, date, origin and
destination in 8 in-request misses; file_system `diff` of one file with itself in 4). So the
feature is listed only for clusters whose training calls never repeat a value (`repeating_calls`,
decided on training data).

The rule (PROMPT_FORMAT.md, "Prompt features"), decoding only, the prompt is unchanged: a call
starts where the generated text `{"name":` ends; from there until the next call starts, a slot
token `<Sk>` once written is never generated again. Pointers `<Wk>` (`question_spans`) are not
affected.
"""

from __future__ import annotations

import re

from .population import leaves

FEATURE = "distinct_slots"
CALL_START = '{"name":'
_SLOT = re.compile(r"<S[0-9]+>")


def repeating_calls(targets: list[dict]) -> int:
    """How many calls of these answers write one string or number value twice in their arguments
    (numbers by value, as a slot matches them; booleans and null are literals, not values)."""
    count = 0
    for target in targets:
        for call in target.get("tool_calls") or []:
            values = [("number", float(leaf)) if isinstance(leaf, (int, float)) else ("string", leaf)
                      for leaf in leaves(call.get("arguments") or {})
                      if isinstance(leaf, (str, int, float)) and not isinstance(leaf, bool)]
            count += len(set(values)) < len(values)
    return count


class SlotMemory:
    """The slot tokens the current call has written, for greedy decoding (evaluate.py): `banned`
    before each step, `accept(token)` after it."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.slot_ids = {i for token, i in tokenizer.get_vocab().items() if _SLOT.fullmatch(token)}
        self.text = ""
        self.written: set[int] = set()

    @property
    def banned(self) -> list[int]:
        return sorted(self.written)

    def accept(self, token: int) -> None:
        before = len(self.text)
        self.text += self.tokenizer.backend_tokenizer.decode([token], skip_special_tokens=False)
        if CALL_START in self.text[max(0, before - len(CALL_START) + 1):]:
            self.written = set()
        if token in self.slot_ids:
            self.written.add(token)
