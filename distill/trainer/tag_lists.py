"""Prompt feature `tag_lists`: list arguments that gather the question's `#hashtags` or `@mentions`.

On the BFCL posting suite `post_tweet`'s `tags` is, in every training answer whose last user
message holds a hashtag, exactly that message's hashtags in order (23 of 23), and `mentions` its
`@handles` (11 of 11). The scratch specialist leaves these optional lists out or writes a few
(seed 0: 5 of its 11 in-request misses were such answers, content right, tags missing): the
words are no value slots (`#` is no value character; `tag_slots` makes them slots but the model
still picked among them badly), and a list of three to copy is long for a tiny model. Which
arguments follow the rule is a property of the agent, visible in its training answers, so it is
decided at training time and applied after decoding, as `remembered_keys` is.

The rule (PROMPT_FORMAT.md, "Prompt features"):
- *Words* of a sign (`#` or `@`) in a text: the matches of `(?<![A-Za-z0-9_#@])[#@][A-Za-z0-9_]+`
  (ASCII) whose first character is the sign, in order, sign included (`tag_slots`' pattern:
  `john@x.com` and `C#` hold none); the *question* is the user turns since the last answer with
  calls (named_optional's `user_text`: "…using the hashtag #JourneyAhead", a clarification, "His
  user handle is '@TravelBuddy'." holds both words; the last user message alone until 2026-11-28;
  a request ending with tool results, no user turn since the last answer with calls, reads the
  user turns up to the last user message).
- *Arguments* (specialist.json `tag_lists`, chosen from the training answers): a (tool, key, sign)
  is listed when the tool's schema gives the key `"type": "array"` and, over the training answers'
  calls to the tool whose question holds at least one word of the sign, the key's value equals
  those words at least `MIN_SHARE` of the time and at least `MIN_COUNT` times.
- *Fill*: after the answer is restored (and `remembered_keys` filled), each call to a listed tool
  whose question holds words of a listed sign gets the key set to those words (added after the
  call's other arguments when the answer did not write it). Other calls are unchanged.
"""

from __future__ import annotations

import re
from typing import Any

from .named_optional import user_text
from .remembered_keys import MIN_COUNT, MIN_SHARE

FEATURE = "tag_lists"
SIGNS = ("#", "@")
_WORD = re.compile(r"(?<![A-Za-z0-9_#@])[#@][A-Za-z0-9_]+", re.ASCII)


def words(text: str, sign: str) -> list[str]:
    """The `#word` (or `@word`) matches of `text`, in order, sign included."""
    return [match.group() for match in _WORD.finditer(text) if match.group().startswith(sign)]


def _array_keys(tools: list[dict]) -> list[tuple[str, str]]:
    pairs = []
    for tool in tools or []:
        properties = (tool.get("parameters") or {}).get("properties")
        for key, schema in (properties.items() if isinstance(properties, dict) else ()):
            if isinstance(schema, dict) and schema.get("type") == "array":
                pairs.append((str(tool.get("name")), str(key)))
    return pairs


def choose(examples, tools: list[dict]) -> dict:
    """The (tool, key, sign) triples whose training values are the question's words, with the
    counts that chose them: {"arguments": [{"tool", "key", "sign"}], "counts": {"tool.key.sign":
    [right, seen]}}."""
    counts: dict[tuple[str, str, str], list[int]] = {}
    pairs = _array_keys(tools)
    for example in examples:
        question = user_text(example.messages)
        for call in example.target.get("tool_calls") or []:
            arguments = call.get("arguments") if isinstance(call.get("arguments"), dict) else {}
            for tool, key in pairs:
                if call.get("name") != tool:
                    continue
                for sign in SIGNS:
                    found = words(question, sign)
                    if found:
                        tally = counts.setdefault((tool, key, sign), [0, 0])
                        tally[0] += arguments.get(key) == found
                        tally[1] += 1
    chosen = [{"tool": tool, "key": key, "sign": sign} for (tool, key, sign), (right, seen) in sorted(counts.items())
              if seen >= MIN_COUNT and right >= MIN_SHARE * seen]
    return {"arguments": chosen, "counts": {".".join(triple): tally for triple, tally in sorted(counts.items())}}


def fill(response: dict, messages: list[dict], arguments: list[dict]) -> dict:
    """The restored response with each listed list argument set to the question's words."""
    if not arguments or not response.get("tool_calls"):
        return response
    question = user_text(messages)
    calls = []
    for call in response["tool_calls"]:
        values: Any = call.get("arguments")
        if isinstance(values, dict):
            for rule in arguments:
                found = words(question, rule["sign"]) if rule["tool"] == call.get("name") else []
                if found:
                    values = {**values, rule["key"]: found}
        calls.append({**call, "arguments": values})
    return {**response, "tool_calls": calls}
