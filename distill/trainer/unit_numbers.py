"""Prompt feature `unit_numbers`: a number argument whose value the question writes right before
the argument's name, as a unit ("13.2 gallons" → `gallon_to_liter(gallon: 13.2)`).

On the BFCL vehicle suite the scratch specialist answered "I've just filled my car up with 13.2
gallons of fuel. How much is that in liters?" with `gallon_to_liter(gallon: 40)`: the number is a
slot of the prompt, but the model wrote a literal some training answers hold. `named_values` reads
a number its key names *after* the key's word ("priority 3"); a unit stands after the number, and
the training answers of the suite take that number: `liter_to_gallon`'s `liter` is the number
before "liters" in 8 of 8 training calls whose question has one, `gallon_to_liter`'s `gallon` the
number before "gallons" in 2 of 2. One key alone rarely shows the habit five times, so the bar is
the cluster's: the keys that show it are pooled.

The rule (PROMPT_FORMAT.md, "Prompt features"):
- a key made of ASCII letters has *unit numbers* in a text: the numbers
  `[0-9]+(\\.[0-9]+)?` not preceded by an ASCII letter, digit, `_`, `.` or `,` ("1,000" gives none),
  followed by one or more spaces or tabs and a word (ASCII letters) that starts with the key in
  either case and ends its word (`(?![A-Za-z0-9_])`): "13.2 gallons", "15 Liters" for `gallon`,
  `liter`. The *question* is the last user message's content; the key's *sole unit number* is its
  one distinct unit number there (by value: "60 gallons … 60.0 gallons" hold one), none when it
  holds none or two different ones.
- *Keys* (specialist.json `unit_numbers`, chosen from the training answers): over the top-level
  arguments of the training answers' calls that write a key of `"type": "integer"` or `"number"`
  as a number (not a boolean), whose key `remembered_keys` would not fill (listed there and
  remembered) and whose question has a sole unit number for the key, count per key `seen` and
  `right` (the sole unit number typed as the fill types it equals the written value, by value).
  A key is a candidate when its right ones are at least `MIN_SHARE` of its seen ones; the
  candidates are listed when together they are right at least `MIN_COUNT` times (none listed
  otherwise).
- *Fill*: after `shaped_values`, before `quoted_pairs`: each top-level argument a call writes as a
  number whose key is listed gets the question's sole unit number for that key, typed by the called
  tool's schema as a cue value is (`cue_values.typed`), unless the typed number does not fit the
  schema's type ("13.2" for an integer keeps the written value, `shaped_values.fits`). Arguments
  the answer does not write are not added.
"""

from __future__ import annotations

import re

from .cue_values import typed
from .remembered_keys import MIN_COUNT, MIN_SHARE, _property_schema, _same, memory, replacing_arguments
from .retrieval import query_text
from .shaped_values import fits
from .slots import _schema_type

FEATURE = "unit_numbers"
_KEY = re.compile(r"[A-Za-z]+")
_NUMBER_KINDS = ("integer", "number")


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def unit_pattern(key: str) -> re.Pattern | None:
    """The unit numbers' pattern of `key` (group 1 the number), None for a key not made of ASCII
    letters. Each letter of the key matches either case; explicit ASCII classes, as in Swift."""
    if not _KEY.fullmatch(key):
        return None
    letters = "".join(f"[{c.lower()}{c.upper()}]" for c in key)
    return re.compile(r"(?<![A-Za-z0-9_.,])([0-9]+(?:\.[0-9]+)?)[ \t]+" + letters + r"[A-Za-z]*(?![A-Za-z0-9_])")


def sole_unit_number(text: str, key: str) -> str | None:
    """The key's one distinct unit number in `text` (by value), as first written; None for none or two."""
    pattern = unit_pattern(key)
    found: dict[float, str] = {}  # each value's first spelling
    for match in pattern.finditer(text) if pattern else ():
        found.setdefault(float(match.group(1)), match.group(1))
    return next(iter(found.values())) if len(found) == 1 else None


def choose(examples, tools: list[dict], remembered: list[str] = ()) -> dict:
    """The keys the training answers follow (module docstring), with the counts that chose them:
    {"keys": [...], "counts": {KEY: [right, seen]}} (every key seen, listed or not, so the file
    shows why a key is out). `remembered`: `remembered_keys`' keys, which that feature fills
    instead where remembered."""
    counts: dict[str, list[int]] = {}
    for example in examples:
        question, remembers = query_text(example.messages), memory(example.messages)
        for call in example.target.get("tool_calls") or []:
            arguments = call.get("arguments") if isinstance(call.get("arguments"), dict) else {}
            for key, value in arguments.items():
                schema = _property_schema(tools, call.get("name"), key)
                if not _is_number(value) or _schema_type(schema) not in _NUMBER_KINDS:
                    continue
                if key in remembered and key in remembers:
                    continue
                number = sole_unit_number(question, key)
                if number is not None:
                    tally = counts.setdefault(key, [0, 0])
                    tally[0] += _same(typed(number, schema), value)
                    tally[1] += 1
    candidates = sorted(key for key, (right, seen) in counts.items() if right >= MIN_SHARE * seen)
    listed = candidates if sum(counts[key][0] for key in candidates) >= MIN_COUNT else []
    return {"keys": listed, "counts": {key: counts[key] for key in sorted(counts)}}


def fill(response: dict, messages: list[dict], keys: list[str], tools: list[dict]) -> dict:
    """The restored response with each listed number argument a call writes set to the question's
    sole unit number for its key."""
    if not keys or not response.get("tool_calls"):
        return response
    question = query_text(messages)
    sole = {key: sole_unit_number(question, key) for key in keys}

    def value(tool, key, written):
        number = sole.get(key)
        if number is None or not _is_number(written):
            return written
        schema = _property_schema(tools, tool, key)
        return typed(number, schema) if fits(typed(number, schema), schema) else written

    return replacing_arguments(response, value)
