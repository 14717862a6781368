"""Prompt feature `unit_numbers`: a number argument whose value the question writes right before
the argument's name, as a unit ("13.2 gallons" → `gallon_to_liter(gallon: 13.2)`).

On the BFCL vehicle suite the scratch specialist answered "I've just filled my car up with 13.2
gallons of fuel. How much is that in liters?" with `gallon_to_liter(gallon: 40)`: the number is a
slot of the prompt, but the model wrote a literal some training answers hold. `named_values` reads
a number its key names *after* the key's word ("priority 3"); a unit stands after the number, and
the training answers of the suite take that number: `liter_to_gallon`'s `liter` is the number
before "liters" in 8 of 8 training calls whose question has one (5 distinct questions),
`gallon_to_liter`'s `gallon` the number before "gallons" in 2 of 2 (one distinct question, written
twice). Evidence is counted by distinct question (a repeated question is no new evidence), and the
bar is pooled over the keys that show the habit: "the number written before the key's own name as
a unit" is one habit of the agent whatever the key (unlike `named_calls`' tools, which are judged
one by one), so `gallon` is listed on the strength of `liter`'s questions. That pooling is a policy
the lead accepted, not evidence of `gallon`'s own.

The rule (PROMPT_FORMAT.md, "Prompt features"):
- a key made of ASCII letters has *unit numbers* in a text: the numbers
  `[0-9]+(\\.[0-9]+)?` not preceded by an ASCII letter, digit, `_`, `.`, `,` or `-` ("1,000" and
  "-3" give none), followed by one or more spaces or tabs and a word (ASCII letters) that starts with
  the key in either case and ends its word (`(?![A-Za-z0-9_])`): "13.2 gallons", "15 Liters" for
  `gallon`, `liter`, and "5 literally" for `liter` too (the key is a prefix of the word). The
  *question* is the last user message's content; the key's *sole unit number* is its one distinct
  unit number there (by value: "60 gallons … 60.0 gallons" hold one), none when it holds none or
  two different ones.
- *Keys* (specialist.json `unit_numbers`, chosen from the training answers): over the top-level
  arguments of the training answers' calls that write a key of `"type": "integer"` or `"number"`
  as a number (not a boolean), whose key `remembered_keys` would not fill (listed there and
  remembered) and whose question has a sole unit number for the key, count per key the arguments
  and the distinct questions `seen`, and those `right` (the sole unit number typed as the fill
  types it equals the written value, by value; a question is right when every such argument of
  the key in its answers is). A key is a candidate when its right questions are at least
  `MIN_SHARE` of its seen ones; the candidates are listed when their right questions together
  (each question once) are at least `MIN_COUNT` (none listed otherwise).
- *Fill*: after `shaped_values`, before `quoted_pairs`: each top-level argument a call writes as a
  number whose key is listed, and whose called tool's schema gives the key `"type": "integer"` or
  `"number"`, gets the question's sole unit number for that key, typed by that schema as a cue
  value is (`cue_values.typed`), unless the typed number does not fit the schema's type ("13.2"
  for an integer keeps the written value, `shaped_values.fits`). Arguments the answer does not
  write are not added.
"""

from __future__ import annotations

import re

from .cue_values import typed
from .remembered_keys import MIN_COUNT, MIN_SHARE, _property_schema, _same, memory, replacing_arguments
from .retrieval import query_text
from .shaped_values import fits
from .slots import _schema_type, is_number

FEATURE = "unit_numbers"
_KEY = re.compile(r"[A-Za-z]+")
_NUMBER_KINDS = ("integer", "number")


def unit_pattern(key: str) -> re.Pattern | None:
    """The unit numbers' pattern of `key` (group 1 the number), None for a key not made of ASCII
    letters. Each letter of the key matches either case; explicit ASCII classes, as in Swift."""
    if not _KEY.fullmatch(key):
        return None
    letters = "".join(f"[{c.lower()}{c.upper()}]" for c in key)
    # "-" before the digits: a negative number ("by -3 degrees"), whose digits alone are not its value
    return re.compile(r"(?<![A-Za-z0-9_.,-])([0-9]+(?:\.[0-9]+)?)[ \t]+" + letters + r"[A-Za-z]*(?![A-Za-z0-9_])")


def sole_unit_number(text: str, key: str) -> str | None:
    """The key's one distinct unit number in `text` (by value), as first written; None for none or two."""
    pattern = unit_pattern(key)
    found: dict[float, str] = {}  # each value's first spelling
    for match in pattern.finditer(text) if pattern else ():
        found.setdefault(float(match.group(1)), match.group(1))
    return next(iter(found.values())) if len(found) == 1 else None


def choose(examples, tools: list[dict], remembered: list[str] = ()) -> dict:
    """The keys the training answers follow (module docstring), with the counts that chose them:
    {"keys": [...], "counts": {KEY: [right, seen, right questions, seen questions]}} (every key
    seen, listed or not, so the file shows why a key is out). `remembered`: `remembered_keys`'
    keys, which that feature fills instead where remembered."""
    arguments_right: dict[str, list[int]] = {}  # per key: [right, seen] arguments
    questions_right: dict[str, dict[str, bool]] = {}  # per key: question -> all its arguments right
    for example in examples:
        question, remembers = query_text(example.messages), memory(example.messages)
        for call in example.target.get("tool_calls") or []:
            arguments = call.get("arguments") if isinstance(call.get("arguments"), dict) else {}
            for key, value in arguments.items():
                schema = _property_schema(tools, call.get("name"), key)
                if not is_number(value) or _schema_type(schema) not in _NUMBER_KINDS:
                    continue
                if key in remembered and key in remembers:
                    continue
                number = sole_unit_number(question, key)
                if number is not None:
                    right = _same(typed(number, schema), value)
                    tally = arguments_right.setdefault(key, [0, 0])
                    tally[0] += right
                    tally[1] += 1
                    questions = questions_right.setdefault(key, {})
                    questions[question] = questions.get(question, True) and right
    right_questions = {key: {question for question, right in questions.items() if right}
                       for key, questions in questions_right.items()}
    # the share bar is each key's own, over its distinct questions (a repeated question is no new
    # evidence); the count bar is pooled over the candidates (one habit whatever the key), each
    # question once
    candidates = sorted(key for key, questions in questions_right.items()
                        if len(right_questions[key]) >= MIN_SHARE * len(questions))
    pooled = set().union(*(right_questions[key] for key in candidates))
    listed = candidates if len(pooled) >= MIN_COUNT else []
    counts = {key: arguments_right[key] + [len(right_questions[key]), len(questions_right[key])]
              for key in sorted(questions_right)}
    return {"keys": listed, "counts": counts}


def fill(response: dict, messages: list[dict], keys: list[str], tools: list[dict]) -> dict:
    """The restored response with each listed number argument a call writes, of an integer or
    number schema, set to the question's sole unit number for its key."""
    if not keys or not response.get("tool_calls"):
        return response
    question = query_text(messages)
    sole = {key: sole_unit_number(question, key) for key in keys}

    def value(tool, key, written):
        number = sole.get(key)
        schema = _property_schema(tools, tool, key)
        # a key the called tool does not take as a number (a string, or no schema) is not the unit's
        if number is None or not is_number(written) or _schema_type(schema) not in _NUMBER_KINDS:
            return written
        return typed(number, schema) if fits(typed(number, schema), schema) else written

    return replacing_arguments(response, value)
