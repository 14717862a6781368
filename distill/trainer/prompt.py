"""The specialist prompt format, version 1: the one definition of how a conversation's varying
part becomes model text and how the canonical response is written and read back.

PROMPT_FORMAT.md describes the same rules for re-implementation (the Swift inference engine);
tests/golden/ pins them. Changing any output of this module means a new PROMPT_FORMAT_VERSION.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from . import PROMPT_FORMAT_VERSION
from .slots import MAX_SLOTS, SlotRef, SlotTable, register_json_values, slot_text, slot_token

PAD, BOS, END = "<|pad|>", "<|bos|>", "<|end|>"
USER, ASSISTANT, TOOL, ANSWER = "<|user|>", "<|assistant|>", "<|tool|>", "<|answer|>"
ROLE_TOKENS = {"user": USER, "assistant": ASSISTANT, "tool": TOOL}


RESPONSE_HEAD = '{"content":null,"tool_calls":['


def special_tokens(max_slots: int = MAX_SLOTS) -> list[str]:
    """Every special token, in the order a scratch tokenizer gives them ids 0, 1, 2, ..."""
    return [PAD, BOS, END, USER, ASSISTANT, TOOL, ANSWER] + [slot_token(i) for i in range(max_slots)]


def call_head(name: str) -> str:
    """The text that opens a tool call up to its arguments object: one added token per tool."""
    return '{"name":' + _json_string(escape(name)) + ',"arguments":'


def added_tokens(tool_names: list[str]) -> list[str]:
    """Non-special added tokens: the response head and one call head per tool name (sorted)."""
    return [RESPONSE_HEAD] + [call_head(name) for name in sorted(set(tool_names))]


# Text that would read as a special token gets its "<" replaced by U+FF1C, so message content
# can never forge a role marker or a slot.
_FORGED = re.compile(r"<(?=\|[a-z]+\|>|S\d+>)")


def escape(text: str) -> str:
    return _FORGED.sub("\uff1c", text)


def _json_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def render_json(value: Any, table: SlotTable, sort_keys: bool) -> str:
    """Compact JSON in which every string/number leaf that has a slot is written as its slot token."""
    if isinstance(value, dict):
        keys = sorted(value) if sort_keys else list(value)
        inner = ",".join(_json_string(escape(str(k))) + ":" + render_json(value[k], table, sort_keys) for k in keys)
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ",".join(render_json(v, table, sort_keys) for v in value) + "]"
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    index = table.find(value)
    if index is not None:
        return slot_token(index)
    if isinstance(value, str):
        return _json_string(escape(value))
    return json.dumps(value)


def render_response(response: dict, table: SlotTable) -> str:
    """`{"content":…,"tool_calls":[{"name":…,"arguments":{…}}]}`: compact, arguments' keys sorted."""
    content = response.get("content")
    content_text = "null" if content is None else _json_string(escape(content))
    calls = []
    for call in response.get("tool_calls") or []:
        arguments = call.get("arguments")
        if arguments is None:
            arguments = {}
        calls.append(call_head(call["name"]) + render_json(arguments, table, sort_keys=True) + "}")
    return '{"content":' + content_text + ',"tool_calls":[' + ",".join(calls) + "]}"


def _parse_tool_json(content: str) -> Any | None:
    stripped = content.strip()
    if not stripped or stripped[0] not in "[{":
        return None
    try:
        return json.loads(stripped)
    except ValueError:
        return None


@dataclass
class RenderedPrompt:
    text: str  # starts with <|bos|>, ends with <|answer|>
    slots: SlotTable


def render_prompt(messages: list[dict], max_slots: int = MAX_SLOTS) -> RenderedPrompt:
    """Renders the varying part of a conversation; slots are numbered in order of appearance."""
    table = SlotTable(limit=max_slots)
    parts = [BOS]
    for message in messages:
        role = message.get("role")
        if role not in ROLE_TOKENS:
            raise ValueError(f"message role {role!r} is not one of user, assistant, tool")
        parts.append(ROLE_TOKENS[role])
        content = message.get("content")
        if role == "assistant":
            for call in message.get("tool_calls") or []:
                register_json_values(call.get("arguments") or {}, table)
            parts.append(render_response(message, table))
        elif role == "tool" and content is not None and (parsed := _parse_tool_json(content)) is not None:
            register_json_values(parsed, table)
            parts.append(render_json(parsed, table, sort_keys=False))
        else:
            parts.append(slot_text(escape(content or ""), table))
    parts.append(ANSWER)
    return RenderedPrompt("".join(parts), table)


def render_target(target: dict, table: SlotTable) -> str:
    """The text the model learns to write after <|answer|>; <|end|> follows it."""
    return render_response(target, table)


_SLOT_IN_TEXT = re.compile(r"<S(\d+)>")
_SLOT_KEY = "\u0000slot"


def parse_response(text: str) -> dict:
    """Reads generated text (without <|end|>) back into a canonical response holding SlotRefs.

    Raises ValueError when the text is not a canonical response."""
    marked = _SLOT_IN_TEXT.sub(lambda m: '{"' + "\\u0000slot" + '":' + m.group(1) + "}", text)

    def hook(obj: dict) -> Any:
        return SlotRef(obj[_SLOT_KEY]) if set(obj) == {_SLOT_KEY} else obj

    value = json.loads(marked, object_hook=hook)
    if not isinstance(value, dict) or "tool_calls" not in value:
        raise ValueError("the answer is not a canonical response object")
    calls = value.get("tool_calls")
    if not isinstance(calls, list):
        raise ValueError("tool_calls is not a list")
    for call in calls:
        if not isinstance(call, dict) or not isinstance(call.get("name"), str):
            raise ValueError("a tool call has no name")
        if not isinstance(call.get("arguments"), dict):
            raise ValueError("a tool call's arguments are not an object")
    return {"content": value.get("content"), "tool_calls": calls}


FORMAT_INFO = {
    "version": PROMPT_FORMAT_VERSION,
    "special_tokens": {"pad": PAD, "bos": BOS, "end": END, "user": USER, "assistant": ASSISTANT,
                       "tool": TOOL, "answer": ANSWER},
    "slot_token": "<S{n}>",
}
