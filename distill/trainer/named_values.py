"""Prompt feature `named_values`: arguments the question names by a quoted span or a number that
follows the argument's own name, or by its quoted spans in order.

On the BFCL multi-turn ticket suite `create_ticket`'s `title` and `description` are quoted spans of
the last user message ("titled 'Billing Concern'", "description 'Initial project plan
details.'", "labeled 'Platform Error' … this message 'Issue with …'") and `priority` is the number
after the word "priority" ("priority 5", "priority level of 3", "priority-2", "prioritize it at
level 3"); the scratch specialist invents descriptions from other answers, writes the title's
span as the description and priority 5 where the question says 3. Which arguments follow these
rules is a property of the agent, visible in its training answers, so it is learnt at training
time and applied after decoding, as `cue_values` is.

The rule (PROMPT_FORMAT.md, "Prompt features"); the *question* is the last user message's content:
- *Quoted spans*: the matches of `QUOTED` (between quotes `'"` + "`" + `‘’“”`, the opening quote
  after no letter or digit, the closing one before none, mixed kinds allowed), in order.
- A *name word* of a key made of ASCII letters: a word of the question that starts with the key,
  in either case ("titled" and "Title" for `title`); other keys have none. A name word *names* the
  first quoted span (for a string argument) or number (`[0-9]+(.[0-9]+)?` after no letter or
  digit, before none; for an integer or number argument) after it when at most `GAP_WORDS` words
  (runs of ASCII letters) and no quote, digit or line break lie between.
- *Fill of one call* to tool T, with L the listed keys of T: (1) *named spans*: each quoted span is
  claimed by the key of the nearest name word before it that names it, among every string key of
  every cluster tool (so "username 'x'" keeps 'x' from `description`); a listed string key the
  call writes as a non-empty string takes the first span it claims; (2) *spans in order*: the
  listed string keys the call writes as a non-empty string that claim no span, in T's schema
  order, take the spans no key claims, in the question's order, one each, while any is left;
  (3) *named numbers*: a listed integer or number key the call writes takes the number its first
  naming word names. A written empty string is kept (the user asked for none), arguments the call
  does not write are not added, everything else keeps its written value.
- *Arguments* (specialist.json `named_values`, chosen from the training answers): the candidates
  are the (tool, key) pairs whose string values (non-empty) are a verbatim part of the question,
  or whose number values the key's name word names, in at least `MIN_SHARE` of the training calls
  that write them and at least `MIN_COUNT` times; the fill with every candidate listed is applied
  to each training answer's own calls, and a candidate is listed when its filled value equals the
  answer's (numbers by value) in at least `MIN_SHARE` of the training calls it changes or keeps
  by a span or number (the calls where the fill gives it a value) and at least `MIN_COUNT` times.
"""

from __future__ import annotations

import re

from .remembered_keys import MIN_COUNT, MIN_SHARE, _property_schema, _same
from .retrieval import query_text
from .slots import Slot, coerce

FEATURE = "named_values"
# A quoted span: the opening quote after no letter or digit (not the apostrophe of "I've"), the
# closing one before none; BFCL mixes quote kinds ('Urgent Change in Travel Plans’).
QUOTES_OPEN, QUOTES_CLOSE = "'\"`‘“", "'\"`’”"
QUOTED = re.compile(rf"(?<![A-Za-z0-9])[{QUOTES_OPEN}]([^\n]+?)[{QUOTES_CLOSE}](?![A-Za-z0-9])")
NUMBER = re.compile(r"(?<![A-Za-z0-9.])[0-9]+(?:\.[0-9]+)?(?![A-Za-z0-9]|\.[0-9])")
# At most this many words between a key's name word and the value it names: "priority level of
# 3", "priority to a level 5", "prioritize it at level 3"; the training answers decide per key.
GAP_WORDS = 3
_GAP = re.compile(rf"[^A-Za-z0-9\n{QUOTES_OPEN}{QUOTES_CLOSE}]*"
                  rf"(?:[A-Za-z]+[^A-Za-z0-9\n{QUOTES_OPEN}{QUOTES_CLOSE}]*){{0,{GAP_WORDS}}}\Z")
_KEY = re.compile(r"[A-Za-z]+\Z")


def quoted_spans(text: str) -> list[tuple[int, str]]:
    """The text's quoted spans (start of the opening quote, inner text without a last comma), in order.
    A comma before the closing quote is the sentence's ("named 'Flight Cancellation Alert,'
    detailing …"; American style), never the value's: no training value ends with one."""
    return [(match.start(), match.group(1).removesuffix(",")) for match in QUOTED.finditer(text)]


def name_words(text: str, key: str) -> list[int]:
    """Where each name word of `key` ends in `text` (module docstring); none for a key that is
    not ASCII letters."""
    if not _KEY.match(key):
        return []
    letters = "".join(f"[{c.lower()}{c.upper()}]" for c in key)
    return [match.end() for match in re.finditer(rf"(?<![A-Za-z0-9_]){letters}[A-Za-z]*", text)]


def names(text: str, word_end: int, value_start: int) -> bool:
    """Whether the name word ending at `word_end` names a value starting at `value_start`."""
    return word_end <= value_start and _GAP.match(text[word_end:value_start]) is not None


def named_number(text: str, key: str) -> str | None:
    """The number the first naming name word of `key` names in `text`, as written."""
    for end in name_words(text, key):
        match = NUMBER.search(text, end)
        if match and names(text, end, match.start()):
            return match.group()
    return None


def claimed_spans(text: str, keys: list[str]) -> list[tuple[str | None, str]]:
    """Each quoted span with the key that claims it (None: no key), in order: the key of the nearest
    name word before the span that names it."""
    words = sorted((end, key) for key in dict.fromkeys(keys) for end in name_words(text, key))
    claimed = []
    for start, span in quoted_spans(text):
        naming = [(end, key) for end, key in words if names(text, end, start)]
        claimed.append((naming[-1][1] if naming else None, span))
    return claimed


def _schema_order(tools: list[dict], name: str) -> list[str]:
    for tool in tools or []:
        if tool.get("name") == name:
            properties = (tool.get("parameters") or {}).get("properties")
            return list(properties) if isinstance(properties, dict) else []
    return []


def _kind(schema: dict | None) -> str:
    kind = (schema or {}).get("type")
    return "number" if kind in ("integer", "number") else "string" if kind == "string" else ""


def string_keys(tools: list[dict]) -> list[str]:
    """Every top-level string key of the cluster's tools, in order (the keys that claim spans)."""
    return list(dict.fromkeys(key for tool in tools or [] for key in _schema_order(tools, tool.get("name"))
                              if _kind(_property_schema(tools, tool.get("name"), key)) == "string"))


def filled_call(call: dict, question: str, listed: set[tuple[str, str]], tools: list[dict]) -> tuple[dict, set[str]]:
    """One call with its listed arguments filled (module docstring), and the keys the fill gave a
    value from the question."""
    arguments = call.get("arguments")
    name = call.get("name")
    if not isinstance(arguments, dict):
        return call, set()
    mine = [key for key in _schema_order(tools, name) if (name, key) in listed and key in arguments]
    strings = [key for key in mine if _kind(_property_schema(tools, name, key)) == "string"
               and isinstance(arguments[key], str) and arguments[key]]
    claimed = claimed_spans(question, string_keys(tools))
    values: dict[str, object] = {}
    for key in strings:
        own = [span for claimer, span in claimed if claimer == key]
        if own:
            values[key] = own[0]
    free = [span for claimer, span in claimed if claimer is None]
    for key in (key for key in strings if key not in values):
        if free:
            values[key] = free.pop(0)
    for key in mine:
        schema = _property_schema(tools, name, key)
        if _kind(schema) == "number" and not isinstance(arguments[key], bool):
            found = named_number(question, key)
            if found is not None:
                values[key] = coerce(Slot(found, "number"), schema)
    if not values:
        return call, set()
    return {**call, "arguments": {key: values.get(key, written) for key, written in arguments.items()}}, set(values)


def fill(response: dict, messages: list[dict], arguments: list[dict], tools: list[dict]) -> dict:
    """The restored response with each listed argument set to the value the question names."""
    if not arguments or not response.get("tool_calls"):
        return response
    listed = {(rule["tool"], rule["key"]) for rule in arguments}
    question = query_text(messages)
    return {**response, "tool_calls": [filled_call(call, question, listed, tools)[0]
                                       for call in response["tool_calls"]]}


def _candidates(examples, tools: list[dict]) -> set[tuple[str, str]]:
    counts: dict[tuple[str, str], list[int]] = {}
    for example in examples:
        question = query_text(example.messages)
        for call in example.target.get("tool_calls") or []:
            arguments = call.get("arguments") if isinstance(call.get("arguments"), dict) else {}
            for key, value in arguments.items():
                kind = _kind(_property_schema(tools, call.get("name"), key))
                if kind == "string" and isinstance(value, str) and value:
                    hit = value in question
                elif kind == "number":
                    # Every number key is a candidate: the fill's own check decides (a question
                    # may say "high-priority" where the answer writes 5, and name no number).
                    hit = True
                else:
                    continue
                tally = counts.setdefault((str(call.get("name")), key), [0, 0])
                tally[0] += hit
                tally[1] += 1
    return {pair for pair, (right, seen) in counts.items() if right >= MIN_COUNT and right >= MIN_SHARE * seen}


def choose(examples, tools: list[dict]) -> dict:
    """The (tool, key) pairs the fill gets right on the training answers (module docstring), with
    the counts that chose them: {"arguments": [{"tool", "key"}], "counts": {"tool.key": [right, filled]}}."""
    candidates = _candidates(examples, tools)
    counts: dict[tuple[str, str], list[int]] = {}
    for example in examples:
        question = query_text(example.messages)
        for call in example.target.get("tool_calls") or []:
            filled, given = filled_call(call, question, candidates, tools)
            for key in given:
                tally = counts.setdefault((str(call.get("name")), key), [0, 0])
                tally[0] += _same(filled["arguments"][key], call["arguments"][key])
                tally[1] += 1
    listed = sorted(pair for pair, (right, seen) in counts.items() if right >= MIN_COUNT and right >= MIN_SHARE * seen)
    return {"arguments": [{"tool": tool, "key": key} for tool, key in listed],
            "counts": {".".join(pair): counts[pair] for pair in listed}}
