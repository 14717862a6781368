"""Prompt feature `copied_items`: list arguments whose items the request wrote keep only such items.

On the BFCL posting suite every item of `post_tweet`'s `tags` (33 of 33 training calls) and of
its `mentions` (16 of 18) is something the request's messages hold: a `#hashtag` or `@handle` the
user typed, or a handle given without its sign ("His handle is 'huanzhimao01'" →
`@huanzhimao01`). The scratch specialist of seed 1 writes `mentions: ["@technewsworld"]`, a
handle of another training conversation, into three in-request answers whose conversation names
no handle; `tag_lists` corrects a list only where the question holds words of its sign, so these
stay wrong. An item the request does not hold is invented, so it is dropped. Which lists are
copied this way is a property of the agent, visible in its training answers, so it is learnt at
training time and applied after decoding, as `tag_lists` is.

The rule (PROMPT_FORMAT.md, "Prompt features"):
- The request's *texts* are every message's content (user, assistant, tool result) and the
  string values, at any depth, of the assistant messages' tool-call arguments
  (`population.message_texts`): a handle of an earlier call or of a tool result is no invention.
- An item is *held* by the request when it is a non-empty string that occurs in one of the texts
  (code point by code point) as a whole word: the characters right before and after the
  occurrence, where there are any, are no ASCII letter, digit or `_` (`tag_lists`' word
  characters, so "Johnson" holds no `@John` and `#AdventureTime` no `#Adventure`); or, when it
  starts with `#` or `@` and is longer than that sign, when the item without its sign is.
- *Arguments* (specialist.json `copied_items`, chosen from the training answers): a (tool, key) is
  listed when the tool's schema gives the key `"type": "array"` and, over the training calls to
  the tool that write the key as a non-empty list, every item is held in at least `MIN_SHARE` of
  them and at least `MIN_COUNT` times.
- *Fill* (the last of the answer fills, after `tag_lists`): each call to a listed tool that writes
  the key as a non-empty list keeps the held items in order; a list that held items and keeps none
  is removed when the tool does not require the key (the training answers leave such a list out)
  and left empty when it does. Other arguments and calls are unchanged.
"""

from __future__ import annotations

import re

from .optional import required_keys
from .population import message_texts
from .remembered_keys import MIN_COUNT, MIN_SHARE
from .tag_lists import SIGNS, _array_keys

FEATURE = "copied_items"
_BEFORE, _AFTER = r"(?<![A-Za-z0-9_])", r"(?![A-Za-z0-9_])"


def held(item, texts: list[str]) -> bool:
    """Whether a text holds `item`, or `item` without its leading `#` / `@`, as a whole word (module
    docstring); `texts`: `population.message_texts` of the request."""
    if not isinstance(item, str) or not item:
        return False
    forms = [item, item[1:]] if item[0] in SIGNS and len(item) > 1 else [item]
    return any(holds_word(text, form) for form in forms for text in texts)


def holds_word(text: str, word: str) -> bool:
    """Whether `text` holds the non-empty `word` (code point by code point) with no ASCII letter,
    digit or `_` right before or after it."""
    return bool(word) and re.search(_BEFORE + re.escape(word) + _AFTER, text) is not None


def choose(examples, tools: list[dict]) -> dict:
    """The (tool, key) list arguments whose training items the request holds, with the counts
    that chose them: {"arguments": [{"tool", "key"}], "counts": {"tool.key": [held, seen]}}."""
    counts: dict[tuple[str, str], list[int]] = {}
    pairs = set(_array_keys(tools))
    for example in examples:
        texts = message_texts(example.messages)
        for call in example.target.get("tool_calls") or []:
            arguments = call.get("arguments") if isinstance(call.get("arguments"), dict) else {}
            for key, value in arguments.items():
                if (str(call.get("name")), key) not in pairs or not isinstance(value, list) or not value:
                    continue
                tally = counts.setdefault((str(call.get("name")), key), [0, 0])
                tally[0] += all(held(item, texts) for item in value)
                tally[1] += 1
    chosen = [{"tool": tool, "key": key} for (tool, key), (right, seen) in sorted(counts.items())
              if right >= MIN_COUNT and right >= MIN_SHARE * seen]
    return {"arguments": chosen, "counts": {".".join(pair): tally for pair, tally in sorted(counts.items())}}


def fill(response: dict, messages: list[dict], arguments: list[dict], tools: list[dict]) -> dict:
    """The restored response with each listed list argument cut to the items the request holds."""
    if not arguments or not response.get("tool_calls"):
        return response
    texts = message_texts(messages)
    schemas = {tool.get("name"): tool.get("parameters") for tool in tools or []}
    calls = []
    for call in response["tool_calls"]:
        values = call.get("arguments")
        if isinstance(values, dict):
            for rule in arguments:
                written = values.get(rule["key"]) if rule["tool"] == call.get("name") else None
                if not isinstance(written, list) or not written:
                    continue
                kept = [item for item in written if held(item, texts)]
                if kept or rule["key"] in required_keys(schemas.get(call.get("name"))):
                    values = {**values, rule["key"]: kept}
                else:
                    values = {key: value for key, value in values.items() if key != rule["key"]}
        calls.append({**call, "arguments": values})
    return {**response, "tool_calls": calls}
