"""Prompt feature `cue_values`: an argument whose value the question names right after a cue word.

On the BFCL travel suite `book_flight`'s `card_id` is, in 41 of the 42 training answers whose last
user message holds "id" followed by a value ("card with id 1432", "ID=card_6789", "id 'card1'"),
exactly that value; the scratch specialist, with recency-numbered slots, wrote another slot of the
message for it (a year, a budget: seed 0, 4 of travel's 6 wrong-value misses). Which word announces
an argument's value is a property of the agent, visible in its training answers, so it is learnt at
training time and applied after decoding, as `remembered_keys` is (and before it: a key the
conversation remembers keeps `remembered_keys`' value).

The rule (PROMPT_FORMAT.md, "Prompt features"):
- *Cue value* of a word W (ASCII letters) in a text: the first match of
  `(?<![A-Za-z0-9_])W[ \\t'"=:]{1,3}([A-Za-z0-9_-]+)(?![.@/:]?[A-Za-z0-9_-])` with W's letters
  matched in either case; the value is the group. The value must end the word: "limit 1500.50",
  "time: 19:30" or "id john@x.com" name no cue value (the pattern would cut 1500, 19, john out
  of them). The *question* is the last user message's content.
- *Candidates*: for each training call's string argument, the word right before the value's first
  occurrence in the question (`([A-Za-z]+)[ \\t'"=:]{1,3}` ending where the value starts, not
  preceded by a letter, digit or `_`), lowercased.
- *Arguments* (specialist.json `cue_values`, chosen from the training answers): for each (tool,
  key) and candidate word, over the training calls to the tool that write the key, whose
  question has a cue value for the word and whose key `remembered_keys` would not fill, the cue
  value, typed as the fill types it, equals the written value (numbers by value) in at least
  `MIN_SHARE` of them and at least
  `MIN_COUNT` times; of the qualifying words the one right most often (ties: the first in
  alphabetical order) is listed. specialist.json keeps the counts of the listed words only (the
  other candidates are words of the training users' messages).
- *Fill*: after the answer is restored and optional arguments dropped, before `remembered_keys`:
  each top-level argument a call writes whose (tool, key) is listed gets the question's cue value,
  typed by the tool's schema as a slot of that text is (kind number when the text is a number).
  Arguments the answer does not write are not added, and a written value that equals the cue
  value of any match of the cue in the question (as text, or typed) is kept: the model picked one
  of the values the cue names.
"""

from __future__ import annotations

import re

from .remembered_keys import MIN_COUNT, MIN_SHARE, _property_schema, _same, memory, replacing_arguments
from .retrieval import query_text
from .slots import Slot, coerce, is_number_text

FEATURE = "cue_values"
_SEPARATOR = "[ \\t'\"=:]{1,3}"
_WORD_BEFORE = re.compile(r"(?<![A-Za-z0-9_])([A-Za-z]+)" + _SEPARATOR + r"\Z")
# A value ends the word: not followed by another value character, nor by `.@/:` and one
# ("1500.50", "19:30", "john@x.com" are no cue values).
_VALUE = r"([A-Za-z0-9_\-]+)(?![.@/:]?[A-Za-z0-9_\-])"


def _cue_pattern(word: str) -> re.Pattern:
    letters = "".join(f"[{c.lower()}{c.upper()}]" for c in word)
    return re.compile(r"(?<![A-Za-z0-9_])" + letters + _SEPARATOR + _VALUE)


def cue_value(text: str, word: str) -> str | None:
    """The value `text` names right after the cue `word`, or None."""
    match = _cue_pattern(word).search(text)
    return match.group(1) if match else None


def cue_values(text: str, word: str) -> list[str]:
    """Every value `text` names right after the cue `word`, in order."""
    return [match.group(1) for match in _cue_pattern(word).finditer(text)]


def typed(found: str, schema: dict | None):
    """A cue value typed by the schema of the argument it fills, as a slot of that text is."""
    return coerce(Slot(found, "number" if is_number_text(found) else "string"), schema)


def word_before(text: str, value: str) -> str | None:
    """The lowercased word right before the first occurrence of `value` in `text`, if any."""
    at = text.find(value)
    match = _WORD_BEFORE.search(text[:at]) if at > 0 else None
    return match.group(1).lower() if match else None


def choose(examples, tools: list[dict], remembered: list[str] = ()) -> dict:
    """The (tool, key, cue) triples the training answers follow (module docstring), with the counts
    that chose them: {"arguments": [{"tool", "key", "cue"}], "counts": {"tool.key.cue": [right, seen]}}.
    `remembered`: `remembered_keys`' keys, which that feature fills instead where remembered."""
    candidates: dict[tuple[str, str], set[str]] = {}
    for example in examples:
        question = query_text(example.messages)
        for call in example.target.get("tool_calls") or []:
            for key, value in (call.get("arguments") or {}).items():
                word = word_before(question, value) if isinstance(value, str) and value else None
                if word:
                    candidates.setdefault((str(call.get("name")), key), set()).add(word)
    counts: dict[tuple[str, str, str], list[int]] = {}
    for example in examples:
        question, remembers = query_text(example.messages), memory(example.messages)
        for call in example.target.get("tool_calls") or []:
            arguments = call.get("arguments") if isinstance(call.get("arguments"), dict) else {}
            for key, value in arguments.items():
                if key in remembered and key in remembers:
                    continue
                for word in sorted(candidates.get((str(call.get("name")), key), ())):
                    found = cue_value(question, word)
                    if found is not None:
                        tally = counts.setdefault((str(call.get("name")), key, word), [0, 0])
                        schema = _property_schema(tools, call.get("name"), key)
                        tally[0] += _same(typed(found, schema), value)
                        tally[1] += 1
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for (tool, key, word), (right, seen) in sorted(counts.items()):
        if right >= MIN_COUNT and right >= MIN_SHARE * seen and right > best.get((tool, key), (0, ""))[0]:
            best[(tool, key)] = (right, word)
    listed = sorted((tool, key, word) for (tool, key), (_, word) in best.items())
    return {"arguments": [{"tool": tool, "key": key, "cue": word} for tool, key, word in listed],
            "counts": {".".join(triple): counts[triple] for triple in listed}}


def fill(response: dict, messages: list[dict], arguments: list[dict], tools: list[dict]) -> dict:
    """The restored response with each listed argument a call writes set to the question's cue value."""
    if not arguments or not response.get("tool_calls"):
        return response
    question = query_text(messages)
    cues = {(rule["tool"], rule["key"]): rule["cue"] for rule in arguments}

    def value(tool, key, written):
        word = cues.get((tool, key))
        found = cue_values(question, word) if word else []
        if not found:
            return written
        schema = _property_schema(tools, tool, key)
        # The model picked a value the cue names (not the first): keep it.
        if any(written == text or _same(typed(text, schema), written) for text in found):
            return written
        return typed(found[0], schema)

    return replacing_arguments(response, value)
