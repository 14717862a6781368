"""Prompt feature `longest_spans`: a string argument takes the longest quoted span the user wrote.

On the BFCL posting suite a tweet's text is the long quoted sentence of the request ("…in 'START'
mode. Then, help me post a tweet, 'Embarking on an exciting road trip from SF to Rivermist!'"), and
no name word says so ("tweet", "saying", "message": none starts with `content`), so `named_values`
does not list `post_tweet` `content`; where the tweet was asked for before a clarification ("His
user handle is '@TravelBuddy'.") it sits in an earlier turn. The scratch specialist, with
recency-numbered slots, wrote another slot there ("Exploring", "San Francisco", "START"). Which
arguments take the longest span is a property of the agent, visible in its training answers, so it
is learnt at training time and applied after decoding, as `named_values` is.

The rule (PROMPT_FORMAT.md, "Prompt features"):
- *User turns*: named_optional's (the user messages since the last assistant message with calls);
  the *text* is their contents joined by a line break (no quoted span or name word crosses one).
- *Free spans* for a (tool, key) of a call: the text's quoted spans (named_values' spans) that no
  name word claims for another key (named_values' claim over the top-level string keys of all the
  specialist's tools) and that no other argument of the answer holds (the string values of the
  answer's other calls and of the call's other arguments); the *longest span* is the first free
  span the key's own name word claims ("with content 'Hi all!'"), else the free span of most code
  points, the earliest of a tie.
- *Arguments* (specialist.json `longest_spans`, chosen from the training answers): the top-level
  `"type": "string"` keys `named_values` does not list where, over the training calls to the tool
  that write the key as a non-empty string and have a free span, the longest span equals the
  written value in at least `MIN_SHARE` and `MIN_COUNT` of them and in at least `MIN_COUNT`
  distinct texts (the bar `named_calls` and `named_optional` keep); calls of a tool the answer
  calls twice do not count (the fill never touches them).
- *Fill*: after `named_values`, before `cue_values`: each call of a tool the answer calls once that
  writes a listed key as a non-empty string gets the longest span, when there is a free span;
  arguments the call does not write are not added, and a tool the answer calls twice keeps its
  calls (which span each call means is not known).
"""

from __future__ import annotations

from collections import Counter

from .named_optional import user_text
from .named_values import _kind, claimed_spans, string_keys
from .remembered_keys import MIN_COUNT, MIN_SHARE, _property_schema

FEATURE = "longest_spans"


def longest_span(calls: list[dict], index: int, key: str, text: str, tools: list[dict]) -> str | None:
    """The longest free span (module docstring) for `key` of `calls[index]`, None when none is free."""
    held = {value for other, call in enumerate(calls) if other != index and isinstance(call.get("arguments"), dict)
            for value in call["arguments"].values() if isinstance(value, str)}
    arguments = calls[index].get("arguments") or {}
    held |= {value for other, value in arguments.items() if other != key and isinstance(value, str)}
    free = [(claimer, span) for claimer, span in claimed_spans(text, string_keys(tools))
            if claimer in (None, key) and span not in held]
    # a span the key's own name word claims ("with content 'Hi all!'") says which span is meant:
    # it wins over a longer unclaimed one ('ECO_EXTENDED_RANGE_MODE')
    own = [span for claimer, span in free if claimer == key]
    if own:
        return own[0]
    unclaimed = [span for _, span in free]
    return max(unclaimed, key=len) if unclaimed else None  # max keeps the earliest of a tie


def repeated_tools(calls: list[dict]) -> set:
    """The tools an answer calls more than once: which span each call means is not known."""
    return {name for name, count in Counter(call.get("name") for call in calls).items() if count > 1}


def fill(response: dict, messages: list[dict], arguments: list[dict], tools: list[dict]) -> dict:
    """The restored response with each listed argument set to the longest free span of the user turns."""
    calls = response.get("tool_calls") or []
    if not arguments or not calls:
        return response
    listed = {(rule["tool"], rule["key"]) for rule in arguments}
    repeated = repeated_tools(calls)
    text = user_text(messages)
    calls = list(calls)
    for index, call in enumerate(calls):
        if call.get("name") in repeated or not isinstance(call.get("arguments"), dict):
            continue
        for key, written in call["arguments"].items():
            if (call.get("name"), key) in listed and isinstance(written, str) and written:
                span = longest_span(calls, index, key, text, tools)
                if span is not None:
                    calls[index] = call = {**call, "arguments": {**call["arguments"], key: span}}
    return {**response, "tool_calls": calls}


def choose(examples, tools: list[dict], named: list[dict] = ()) -> dict:
    """The (tool, key) pairs the training answers follow (module docstring), those `named`
    (named_values' listed arguments) left out, with the counts that chose them:
    {"arguments": [{"tool", "key"}], "counts": {"tool.key": [right, seen, right texts, seen texts]}}."""
    skipped = {(rule["tool"], rule["key"]) for rule in named}
    counts: dict[tuple[str, str], tuple[list[int], set[str], set[str]]] = {}
    for example in examples:
        text = user_text(example.messages)
        calls = example.target.get("tool_calls") or []
        for index, call in enumerate(calls):
            name = str(call.get("name"))
            if name in repeated_tools(calls):  # the fill never touches them: no evidence either way
                continue
            for key, value in (call.get("arguments") if isinstance(call.get("arguments"), dict) else {}).items():
                if ((name, key) in skipped or _kind(_property_schema(tools, name, key)) != "string"
                        or not isinstance(value, str) or not value):
                    continue
                span = longest_span(calls, index, key, text, tools)
                if span is None:
                    continue
                tally, right_texts, seen_texts = counts.setdefault((name, key), ([0, 0], set(), set()))
                tally[0] += span == value
                tally[1] += 1
                seen_texts.add(text)
                if span == value:
                    right_texts.add(text)
    listed = sorted(pair for pair, ((right, seen), right_texts, _) in counts.items()
                    if right >= MIN_COUNT and right >= MIN_SHARE * seen and len(right_texts) >= MIN_COUNT)
    return {"arguments": [{"tool": tool, "key": key} for tool, key in listed],
            "counts": {f"{tool}.{key}": [*counts[(tool, key)][0], len(counts[(tool, key)][1]),
                                         len(counts[(tool, key)][2])] for tool, key in listed}}
