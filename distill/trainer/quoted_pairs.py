"""Prompt feature `quoted_pairs`: a two-argument tool takes the question's two quoted spans in order.

On the BFCL file_system suite "compare 'History101.txt' and 'History202.txt'" is `diff` with
`file_name1` the first span and `file_name2` the second, in every training answer whose last user
message quotes exactly two distinct spans; the scratch specialist, with recency-numbered slots,
wrote one of them twice (seeds 0 and 1: four of file_system's wrong-value misses). Which tools read
their two arguments from the question's two quoted spans, and in which order, is a property of the
agent, visible in its training answers, so it is learnt at training time and applied after
decoding, as `cue_values` is.

The rule (PROMPT_FORMAT.md, "Prompt features"):
- *Quoted spans* of a text: named_values' quoted spans (straight or curly quotes, no empty pair, a
  last comma dropped; one definition for the whole fill chain, so the two fills never read a
  question differently), distinct (code point by code point), in the order they first occur. The
  *question* is the last user message's content.
- *Pairs* (specialist.json `quoted_pairs`, chosen from the training answers): for each tool of the
  cluster and each two of its string parameters (k1 before k2 in the schema), over the training
  calls to the tool that write both as strings and whose question has exactly two quoted spans,
  (k1, k2) equal (span 1, span 2) in at least `MIN_SHARE` of them and at least `MIN_COUNT` times;
  of a tool's qualifying pairs the one right most often (ties: the earlier in schema order) is
  listed. specialist.json keeps the counts of the listed pairs.
- *Fill*: after `cue_values`, before `remembered_keys`: each call to a listed tool that writes
  both keys, when the question has exactly two quoted spans, gets k1 = span 1 and k2 = span 2,
  typed by the tool's schema as a cue value is; a key written as null or "" keeps it (as in
  named_values). Arguments the answer does not write are not added.
"""

from __future__ import annotations

from .cue_values import typed
from .named_values import claimed_spans, quoted_spans as _all_quoted_spans, string_keys
from .remembered_keys import MIN_COUNT, MIN_SHARE, _properties, _property_schema
from .retrieval import query_text

FEATURE = "quoted_pairs"


def quoted_spans(text: str) -> list[str]:
    """The distinct quoted spans of `text` (named_values.quoted_spans), in the order they first occur."""
    return list(dict.fromkeys(span for _, span in _all_quoted_spans(text)))


def _string_keys(tools: list[dict], name: str) -> list[str]:
    """Tool `name`'s `"type": "string"` parameters, in schema order."""
    return [key for key, schema in _properties(tools, name).items()
            if isinstance(schema, dict) and schema.get("type") == "string"]


def claimers_of(question: str, tools: list[dict]) -> dict[str, str | None]:
    """The key that claims each distinct quoted span where it first occurs (named_values' claim: the
    name word before it, "description 'X'"); a pair never puts a span claimed by another key."""
    claimed: dict[str, str | None] = {}
    for key, span in claimed_spans(question, string_keys(tools)):
        claimed.setdefault(span, key)
    return claimed


def choose(examples, tools: list[dict]) -> dict:
    """The (tool, k1, k2) the training answers follow (module docstring), with the counts that
    chose them: {"pairs": [{"tool", "keys": [k1, k2]}], "counts": {"tool.k1.k2": [right, seen]}}."""
    counts: dict[tuple[str, str, str], list[int]] = {}
    keys_of = {str(tool.get("name")): _string_keys(tools, tool.get("name")) for tool in tools or []}
    for example in examples:
        spans = quoted_spans(query_text(example.messages))
        if len(spans) != 2:
            continue
        for call in example.target.get("tool_calls") or []:
            arguments = call.get("arguments") if isinstance(call.get("arguments"), dict) else {}
            keys = keys_of.get(str(call.get("name")), [])
            for i, first in enumerate(keys):
                for second in keys[i + 1:]:
                    if isinstance(arguments.get(first), str) and isinstance(arguments.get(second), str):
                        tally = counts.setdefault((str(call.get("name")), first, second), [0, 0])
                        tally[0] += [arguments[first], arguments[second]] == spans
                        tally[1] += 1
    listed = []
    for name, keys in keys_of.items():
        pairs = [(first, second) for i, first in enumerate(keys) for second in keys[i + 1:]]
        best = None
        for pair in pairs:
            right, seen = counts.get((name, *pair), (0, 0))
            qualifies = right >= MIN_COUNT and right >= MIN_SHARE * seen
            if qualifies and (best is None or right > counts[(name, *best)][0]):  # a tie keeps the earlier
                best = pair
        if best is not None:
            listed.append((name, *best))
    return {"pairs": [{"tool": tool, "keys": [first, second]} for tool, first, second in listed],
            "counts": {".".join(triple): counts[triple] for triple in listed}}


def fill(response: dict, messages: list[dict], pairs: list[dict], tools: list[dict]) -> dict:
    """The restored response with each listed pair a call writes set to the question's two quoted spans."""
    if not pairs or not response.get("tool_calls"):
        return response
    spans = quoted_spans(query_text(messages))
    if len(spans) != 2:
        return response
    keys_of = {rule["tool"]: rule["keys"] for rule in pairs}
    claimers = claimers_of(query_text(messages), tools)
    calls = []
    for call in response["tool_calls"]:
        arguments, keys = call.get("arguments"), keys_of.get(call.get("name"))
        if (isinstance(arguments, dict) and keys and all(key in arguments for key in keys)
                and all(claimers.get(span) in (None, key) for span, key in zip(spans, keys))):
            spans_of = dict(zip(keys, spans))
            # a written null or "" is kept, as named_values keeps it: the user asked for none
            arguments = {key: typed(spans_of[key], _property_schema(tools, call.get("name"), key))
                         if key in spans_of and written not in (None, "") else written
                         for key, written in arguments.items()}
        calls.append({**call, "arguments": arguments})
    return {**response, "tool_calls": calls}
