"""Prompt feature `shaped_values`: an argument whose value is the question's only word of one shape.

On the BFCL trading suite a stock `symbol` is, in 37 of the 38 training calls whose last user
message holds exactly one all-capitals word, that word ("Could we eliminate BDX from my observed
list?" → `remove_stock_from_watchlist(symbol: "BDX")`); on travel `purchase_insurance`'s
`insurance_cost` is, in 8 of 8, the question's only dollar amount ("insurance for $120"). The
scratch specialist, its slots numbered by recency, wrote another slot there (the watchlist's
`NVDA` from the tool result before, a booking id), and no cue word stands right before these
values ("eliminate BDX", "for $120"), so `cue_values` cannot name them. Which argument takes the
question's one word of a shape is a property of the agent, visible in its training answers, so it
is learnt at training time and applied after decoding, as `cue_values` is.

The rule (PROMPT_FORMAT.md, "Prompt features"):
- *Shapes*, in this order: `capitals`, an ASCII word of two or more capital letters and digits
  starting with a letter (`BDX`, `NVDA`, `A320`; "Zeta", "iOS", "X" are none), never part of a
  longer word ("MÜNCHEN", "X-RAY", "COVID-19", "BRK.B" give none; `SHAPES` below); common words
  ("OK", "ASAP") count too, only the training bar keeps keys that do not take them unlisted;
  `dollars`, a `$` right before a number
  `\\$([0-9]+(?:,[0-9]{3})*(?:\\.[0-9]+)?)(?![0-9.,]?[0-9])`, the word its number with the
  thousands commas removed (`$1,500.50` → `1500.50`). The *question* is the last user message's
  content; its *sole word* of a shape is the shape's one distinct word there (dollar amounts by
  value: "$120.00 and $120" hold one), none when it holds none or two different ones.
- *Arguments* (specialist.json `shaped_values`, chosen from the training answers): per argument
  key, over the top-level arguments of the training answers' calls that write the key as a string
  or number (the key's calls to every tool together, as `remembered_keys` counts a key), whose
  key `remembered_keys` would not fill (listed there and remembered) and whose question has a sole
  word of the shape, the sole word typed as the fill types it equals the written value (numbers by
  value) in at least `MIN_SHARE` of them and at least `MIN_COUNT` times; of the qualifying shapes
  the one right most often (ties: the earlier shape) is listed for the key.
- *Fill*: after `cue_values`, before `quoted_pairs`: each top-level argument a call writes whose
  key is listed gets the question's sole word of the key's shape, typed by the called tool's schema
  for the key as a slot of that text is (kind number when it is a number; `cue_values.typed`);
  a typed word the schema's type cannot take (`fits`: "1500.50" or "BDX" for an integer) keeps
  the written value. Arguments the answer does not write are not added; a question with no sole word of the shape
  leaves the argument as written.
"""

from __future__ import annotations

import re

from .cue_values import typed
from .remembered_keys import MIN_COUNT, MIN_SHARE, _property_schema, _same, memory, replacing_arguments
from .retrieval import query_text
from .slots import _schema_type, is_number

FEATURE = "shaped_values"
# Each shape's pattern; group 1, when there is one, is the word (its commas removed).
# `capitals` is refused next to what continues a word: a non-ASCII letter ("MÜNCHEN"), a `-`
# ("X-RAY", "COVID-19"), a `.` followed by a letter or digit ("BRK.B"); explicit classes, not `\w`
# (Python's and ICU's differ), the same in the Swift engine.
SHAPES = {"capitals": re.compile(r"(?<![A-Za-z0-9_.\-\u0080-\U0010FFFF])[A-Z][A-Z0-9]+"
                                 r"(?![A-Za-z0-9_\-\u0080-\U0010FFFF]|\.[A-Za-z0-9])"),
          "dollars": re.compile(r"\$([0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?)(?![0-9.,]?[0-9])")}


def _same_word(word: str, shape: str) -> str:
    """What makes two words of `shape` one: a dollar amount's value ("120.00" and "120" are one)."""
    return word.rstrip("0").rstrip(".") if shape == "dollars" and "." in word else word


def fits(value, schema: dict | None) -> bool:
    """Whether a typed word is of the schema's type where the word's JSON type can miss it: an
    `integer` needs a whole number, a `number` a number (any type fits any other schema)."""
    kind = _schema_type(schema)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return is_number(value)
    return True


def words(text: str, shape: str) -> list[str]:
    """The distinct words of `shape` in `text` (dollar amounts by value), in order of first occurrence."""
    found: dict[str, str] = {}  # the first spelling of each word
    for match in SHAPES[shape].finditer(text):
        word = match.group(match.lastindex or 0).replace(",", "")
        found.setdefault(_same_word(word, shape), word)
    return list(found.values())


def sole_word(text: str, shape: str) -> str | None:
    """The one distinct word of `shape` in `text`, or None (none, or two different ones)."""
    found = words(text, shape)
    return found[0] if len(found) == 1 else None


def choose(examples, tools: list[dict], remembered: list[str] = ()) -> dict:
    """The (key, shape) pairs the training answers follow (module docstring), with the counts that
    chose them: {"arguments": [{"key", "shape"}], "counts": {"key.shape": [right, seen]}}.
    `remembered`: `remembered_keys`' keys, which that feature fills instead where remembered."""
    counts: dict[tuple[str, str], list[int]] = {}
    for example in examples:
        question, remembers = query_text(example.messages), memory(example.messages)
        sole = {shape: sole_word(question, shape) for shape in SHAPES}
        for call in example.target.get("tool_calls") or []:
            arguments = call.get("arguments") if isinstance(call.get("arguments"), dict) else {}
            for key, value in arguments.items():
                if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                    continue
                if key in remembered and key in remembers:
                    continue
                for shape, word in sole.items():
                    if word is not None:
                        tally = counts.setdefault((key, shape), [0, 0])
                        tally[0] += _same(typed(word, _property_schema(tools, call.get("name"), key)), value)
                        tally[1] += 1
    best: dict[str, tuple[int, str]] = {}
    for shape in SHAPES:  # shape order: a tie keeps the earlier shape
        for (key, counted), (right, seen) in sorted(counts.items()):
            if counted == shape and right >= MIN_COUNT and right >= MIN_SHARE * seen \
                    and right > best.get(key, (0, ""))[0]:
                best[key] = (right, shape)
    listed = sorted((key, shape) for key, (_, shape) in best.items())
    return {"arguments": [{"key": key, "shape": shape} for key, shape in listed],
            "counts": {f"{key}.{shape}": counts[(key, shape)] for key, shape in listed}}


def fill(response: dict, messages: list[dict], arguments: list[dict], tools: list[dict]) -> dict:
    """The restored response with each listed argument a call writes set to the question's sole
    word of the argument's shape."""
    if not arguments or not response.get("tool_calls"):
        return response
    question = query_text(messages)
    sole = {rule["key"]: sole_word(question, rule["shape"]) for rule in arguments}

    def value(tool, key, written):
        word = sole.get(key)
        if word is None:
            return written
        schema = _property_schema(tools, tool, key)
        # a word the schema's type cannot take ("1500.50" for an integer) leaves the written value
        return typed(word, schema) if fits(typed(word, schema), schema) else written

    return replacing_arguments(response, value)
