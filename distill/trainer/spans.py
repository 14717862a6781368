"""Prompt feature `question_spans` (prompt format v4): every unit of the user's text is addressable.

Value slots (slots.py) make a value copyable only when the extractor's heuristics picked it out:
on the BFCL generic agent 44 of 114 in-request held-out answers need a value that is no slot
(lowercase words, `New York, USA`, `Treaty of Lisbon`, `RocketLeague`). With this feature the
user text is not scanned for slots; instead each of its units (a number, a run of letters, or one
other non-space character) is followed by a pointer token `<W0>`, `<W1>`, ... (numbered across the
prompt's user messages, at most MAX_POINTERS). An answer writes a value found in the question as
the run of consecutive pointers that spans it (`"city":<W4><W5><W6>` for "New York, USA"); reading
back joins the question text from the first unit's start to the last unit's end verbatim (inner
spaces and punctuation included), typed by the tool's JSON schema as a slot is. The rules are
PROMPT_FORMAT.md, "Prompt features".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .slots import is_number_text, number_value

FEATURE = "question_spans"
MAX_POINTERS = 128
# A unit: a number (digits, optionally a point and digits), a run of ASCII letters and non-ASCII
# code points, or any other single character that is not ASCII whitespace.
_UNIT = re.compile(r"[0-9]+(?:\.[0-9]+)?|[A-Za-z\u0080-\U0010FFFF]+|[^ \t\n\r\x0b\x0c]")
_POINTER = re.compile(r"<W(\d+)>")
MAX_NUMBER_UNITS = 2  # a number value is a span of at most two units ("-" "5")


def pointer_token(index: int) -> str:
    return f"<W{index}>"


def pointer_tokens() -> list[str]:
    """The feature's special tokens, in id order (after the format's and the other features')."""
    return [pointer_token(i) for i in range(MAX_POINTERS)]


@dataclass
class Units:
    """The pointed-at units of one prompt: (source text index, start, end) in code points."""

    sources: list[str] = field(default_factory=list)
    units: list[tuple[int, int, int]] = field(default_factory=list)

    def text(self, first: int, last: int) -> str:
        """The question text a pointer run covers; IndexError/ValueError for an invalid run."""
        if not 0 <= first <= last < len(self.units):
            raise IndexError(f"pointer run <W{first}>..<W{last}> is outside the prompt's {len(self.units)} units")
        source, start, _ = self.units[first]
        end_source, _, end = self.units[last]
        if end_source != source:
            raise ValueError(f"pointer run <W{first}>..<W{last}> crosses two messages")
        return self.sources[source][start:end]

    def find(self, value: Any) -> tuple[int, int] | None:
        """The first (then shortest) run whose text is `value` (a number: equal in value)."""
        if isinstance(value, bool) or value is None:
            return None
        for first, (source, start, _) in enumerate(self.units):
            text = self.sources[source]
            if isinstance(value, str):
                if not value or not text.startswith(value, start):
                    continue
                for last in range(first, len(self.units)):
                    unit_source, _, end = self.units[last]
                    if unit_source != source or end > start + len(value):
                        break
                    if end == start + len(value):
                        return first, last
            elif isinstance(value, (int, float)):
                for last in range(first, min(first + MAX_NUMBER_UNITS, len(self.units))):
                    if self.units[last][0] != source:
                        break
                    piece = text[start : self.units[last][2]]
                    if is_number_text(piece) and number_value(piece) == value:
                        return first, last
        return None


def point_text(text: str, units: Units) -> str:
    """`text` (escaped user content) with a pointer right after each unit (`Find<W0> the<W1>
    area<W2>?<W3>`): the BPE still sees " the" as without pointers, and (attention being causal)
    the pointer can read the unit it stands for, so an answer finds the pointer by its unit's
    content. Units past MAX_POINTERS get none."""
    source = len(units.sources)
    units.sources.append(text)
    out, last = [], 0
    for match in _UNIT.finditer(text):
        if len(units.units) >= MAX_POINTERS:
            break
        out.append(text[last : match.end()])
        out.append(pointer_token(len(units.units)))
        units.units.append((source, match.start(), match.end()))
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def render_span(run: tuple[int, int]) -> str:
    return "".join(pointer_token(i) for i in range(run[0], run[1] + 1))


def mark_pointers(text: str, position: int) -> tuple[str, int] | None:
    """At `position` (outside a JSON string) a run of pointer tokens: the JSON stand-in that
    parse_response reads as a SpanRef and the position after the run; None when no pointer
    starts there. Raises ValueError when the run's pointers are not consecutive."""
    match = _POINTER.match(text, position)
    if match is None:
        return None
    first = last = int(match.group(1))
    position = match.end()
    while (match := _POINTER.match(text, position)) is not None:
        if int(match.group(1)) != last + 1:
            raise ValueError(f"pointer <W{match.group(1)}> does not follow <W{last}>: a span is consecutive")
        last, position = last + 1, match.end()
    return '{"\\u0000span":[' + str(first) + "," + str(last) + "]}", position


class SpanRef:
    """A pointer run found while parsing generated text, before it is restored."""

    def __init__(self, first: int, last: int):
        self.first, self.last = first, last

    def __repr__(self) -> str:
        return render_span((self.first, self.last))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SpanRef) and (other.first, other.last) == (self.first, self.last)
