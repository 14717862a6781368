"""Which held-out answers are "tool calls built from values in the request" (issue 6's target
population), so exact match can be reported on them apart from answers that need knowledge the
request does not hold ("three days" → 3, "German" → "Germany", file-system state never shown).

An answer is in the population when it has at least one tool call, no text content, and every
string or number leaf of every call's arguments occurs in the request. A value occurs in the
request when, after the slot extractor's normalisation (`prompt.escape`: forged special tokens
defused; numbers compared by value as `SlotTable.find` does), it is
- a slot of the rendered prompt (what the model can copy by slot token), or
- a string found verbatim inside a message text, an earlier call's argument value or an enum
  value of the request's tools (values the extractor's heuristics leave as plain text, such as
  lowercase words), or
- a number equal in value to a number token (`-?[0-9]+(.[0-9]+)?`) of those texts.
Booleans and null are literals of the tool schema, not values, and never exclude an answer.
Tool descriptions do not count: they are the agent's constant text, not the request's values.
"""

from __future__ import annotations

import re
from typing import Any

from .prompt import escape
from .slots import SlotTable, number_value

_NUMBER_TOKEN = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def leaves(value: Any) -> list:
    """Every leaf of a JSON value (not an object or array), depth first."""
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in leaves(v)]
    return [value]


def answer_leaves(response: dict) -> list:
    """Every leaf value of every call's arguments, depth first."""
    return [leaf for call in response.get("tool_calls") or [] for leaf in leaves(call.get("arguments") or {})]


def message_texts(messages: list[dict]) -> list[str]:
    """Every text the request's messages hold, in order: each message's content (user, assistant,
    tool result) and the string leaves of the assistant's tool-call arguments."""
    texts = []
    for message in messages:
        if isinstance(message.get("content"), str):
            texts.append(message["content"])
        for call in message.get("tool_calls") or []:
            texts += [leaf for leaf in leaves(call.get("arguments") or {}) if isinstance(leaf, str)]
    return texts


def request_texts(messages: list[dict], tools: list[dict] | None) -> list[str]:
    """The request's value-bearing texts, escaped as the prompt renders them."""
    texts = message_texts(messages)
    for tool in tools or []:
        properties = (tool.get("parameters") or {}).get("properties") or {}
        for schema in properties.values() if isinstance(properties, dict) else []:
            if isinstance(schema, dict) and isinstance(schema.get("enum"), list):
                texts += [value for value in schema["enum"] if isinstance(value, str)]
    return [escape(text) for text in texts]


def value_in_request(leaf: Any, texts: list[str], slots: SlotTable) -> bool:
    if isinstance(leaf, bool) or leaf is None:
        return True
    if slots.find(leaf) is not None:
        return True
    if isinstance(leaf, str):
        needle = escape(leaf)
        return bool(needle) and any(needle in text for text in texts)
    if isinstance(leaf, (int, float)):
        return any(number_value(m.group()) == leaf for text in texts for m in _NUMBER_TOKEN.finditer(text))
    return False


def built_from_request(target: dict, messages: list[dict], tools: list[dict] | None, slots: SlotTable) -> bool:
    """Whether `target` is a tool-call answer whose every argument value occurs in the request
    (the module docstring defines "occurs"). `slots`: the rendered prompt's slot table."""
    if not target.get("tool_calls") or target.get("content"):
        return False
    texts = request_texts(messages, tools)
    return all(value_in_request(leaf, texts, slots) for leaf in answer_leaves(target))
