"""Prompt feature `ordinal_items`: an argument whose value is the first or last item of a listed result.

On BFCL trading "I need a detailed report on the first stock listed in my watchlist" follows a
`get_watchlist` result `{"watchlist": ["NVDA", "ZETA", ...]}` and is answered
`get_stock_info(symbol: "NVDA")`; the seed-1 scratch specialist, its slots numbered by recency,
wrote `ZETA`. The question names no value, only a position, and in every training call whose
question says "first" or "last" (8 of 8: "the last one is showing promising movement", "taking
the first one off my watchlist") the `symbol` is that end of the latest listed tool result. Which
argument takes the item a position names is a property of the agent, visible in its training
answers, so it is learnt at training time and applied after decoding, as `shaped_values` is.

The rule (PROMPT_FORMAT.md, "Prompt features"):
- *Ordinal*: the question (the last user message's content) holds the word "first" or "last"
  (ASCII letters in either case, not right after or before an ASCII letter, digit or `_`;
  `ORDINAL` below); its ordinal is that word lowercased, none when it holds neither or both.
- *Listed result*: the latest tool message (role `tool`) whose content parses as a JSON object or
  array (`prompt._parse_tool_json`) holding a non-empty array of strings only; the first such
  array depth first (members and items in document order, an array before what it holds). The
  *ordinal item* is its first string for "first", its last for "last".
- *Arguments* (specialist.json `ordinal_items`: `{"keys": [...], "counts": {KEY: [right, seen]}}`):
  per argument key, over the top-level arguments of the training answers' calls that write the
  key as a string and whose request has an ordinal and a listed result (the key's calls to every
  tool together, as `shaped_values` counts a key), skipping a key `remembered_keys` fills there,
  and skipping a value the question holds as a whole word (the fill leaves those), the value
  equals the ordinal item in at least `MIN_SHARE` of them and at least `MIN_COUNT` times.
- *Fill*: after `named_optional`, before `named_values` (so every later fill that reads a value
  the question writes wins): each top-level argument a call writes as a string whose key is listed
  gets the ordinal item, unless the question holds the written value as a whole word
  (`copied_items.holds_word`: "First, add NVDA to my watchlist, then sell TSLA" keeps NVDA and
  TSLA; "first" names the order of the steps there, not an item). Arguments the answer does not
  write are not added; a request without an ordinal or a listed result leaves the argument as
  written.
"""

from __future__ import annotations

import re
from typing import Any

from .copied_items import holds_word
from .prompt import _parse_tool_json
from .remembered_keys import MIN_COUNT, MIN_SHARE, memory, replacing_arguments
from .retrieval import query_text

FEATURE = "ordinal_items"
# Explicit classes, not `\b` or a case-insensitive flag (Python's and ICU's word characters and
# case folding differ: ICU folds "ſ" to "s"), the same in Swift.
ORDINAL = re.compile(r"(?<![A-Za-z0-9_])([Ff][Ii][Rr][Ss][Tt]|[Ll][Aa][Ss][Tt])(?![A-Za-z0-9_])")


def ordinal(question: str) -> str | None:
    """"first" or "last" when the question holds exactly one of the two words, else None."""
    found = {match.group(1).lower() for match in ORDINAL.finditer(question)}
    return found.pop() if len(found) == 1 else None


def _string_list(value: Any) -> list[str] | None:
    """The first non-empty array of strings only in `value`, depth first."""
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return value
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for child in children:
        found = _string_list(child)
        if found is not None:
            return found
    return None


def listed_result(messages: list[dict]) -> list[str] | None:
    """The latest tool result's list of strings (module doc), or None."""
    for message in reversed(messages):
        if message.get("role") == "tool" and isinstance(message.get("content"), str):
            parsed = _parse_tool_json(message["content"])
            found = _string_list(parsed) if parsed is not None else None
            if found is not None:
                return found
    return None


def ordinal_item(messages: list[dict]) -> str | None:
    """The item of the latest listed result the question's ordinal names, or None."""
    word, items = ordinal(query_text(messages)), listed_result(messages)
    if word is None or items is None:
        return None
    return items[0] if word == "first" else items[-1]


def choose(examples, tools: list[dict] | None = None, remembered: list[str] = ()) -> dict:
    """The keys the training answers set to the ordinal item (module doc), with the counts that
    chose them: {"keys": [...], "counts": {key: [right, seen]}}. `tools`: unused (the item is a
    string whatever the schema; the argument keeps the other fills' signature); `remembered`:
    `remembered_keys`' keys, which that feature fills instead where remembered."""
    counts: dict[str, list[int]] = {}
    for example in examples:
        item = ordinal_item(example.messages)
        if item is None:
            continue
        remembers, question = memory(example.messages), query_text(example.messages)
        for call in example.target.get("tool_calls") or []:
            arguments = call.get("arguments") if isinstance(call.get("arguments"), dict) else {}
            for key, value in arguments.items():
                if isinstance(value, str) and not (key in remembered and key in remembers) \
                        and not holds_word(question, value):
                    tally = counts.setdefault(key, [0, 0])
                    tally[0] += value == item
                    tally[1] += 1
    keys = sorted(key for key, (right, seen) in counts.items() if right >= MIN_COUNT and right >= MIN_SHARE * seen)
    return {"keys": keys, "counts": {key: counts[key] for key in keys}}


def fill(response: dict, messages: list[dict], keys: list[str], tools: list[dict] | None = None) -> dict:
    """The restored response with each listed argument a call writes as a string set to the
    ordinal item, unless the question holds the written value as a whole word."""
    if not keys or not response.get("tool_calls"):
        return response
    item = ordinal_item(messages)
    if item is None:
        return response
    question = query_text(messages)

    def positioned(tool: str, key: str, written):
        listed = key in keys and isinstance(written, str) and not holds_word(question, written)
        return item if listed else written
    return replacing_arguments(response, positioned)
