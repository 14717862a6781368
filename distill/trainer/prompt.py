"""The specialist prompt format, version 3: the one definition of how a conversation's varying
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
from .spans import SpanRef, Units, mark_pointers, point_text, render_span
from .slots import MAX_SLOTS, SlotRef, SlotTable, register_json_values, slot_text, slot_token

PAD, BOS, END = "<|pad|>", "<|bos|>", "<|end|>"
USER, ASSISTANT, TOOL, ANSWER = "<|user|>", "<|assistant|>", "<|tool|>", "<|answer|>"
TOOLS = "<|tools|>"  # v2: opens the request's own tool list
ROLE_TOKENS = {"user": USER, "assistant": ASSISTANT, "tool": TOOL}


RESPONSE_HEAD = '{"content":null,"tool_calls":['


def special_tokens(max_slots: int = MAX_SLOTS) -> list[str]:
    """Every special token, in the order a scratch tokenizer gives them ids 0, 1, 2, ..."""
    return [PAD, BOS, END, USER, ASSISTANT, TOOL, ANSWER] + [slot_token(i) for i in range(max_slots)] + [TOOLS]


def call_head(name: str) -> str:
    """The text that opens a tool call up to its arguments object: one added token per tool."""
    return '{"name":' + _json_string(escape(name)) + ',"arguments":'


def added_tokens(tool_names: list[str]) -> list[str]:
    """Non-special added tokens: the response head and one call head per tool name (sorted)."""
    return [RESPONSE_HEAD] + [call_head(name) for name in sorted(set(tool_names))]


# Text that would read as a special token gets its "<" replaced by U+FF1C, so message content
# can never forge a role marker or a slot.
# v4: `<W` + digits + `>` too (the pointer tokens of prompt feature question_spans).
_FORGED = re.compile(r"<(?=\|[a-z]+\|>|S\d+>|W\d+>)")


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
    if table.units is not None and (run := table.units.find(escape(value) if isinstance(value, str) else value)):
        return render_span(run)
    if isinstance(value, str):
        return _json_string(escape(value))
    return json.dumps(value)


def render_response(response: dict, table: SlotTable, name_slots: bool = False) -> str:
    """`{"content":…,"tool_calls":[{"name":…,"arguments":{…}}]}`: compact, arguments' keys sorted.

    With `name_slots` (v2, the prompt lists the request's tools) a call's name that has a slot is
    written as that slot token, and tool names inside the content text too."""
    content = response.get("content")
    if content is None:
        content_text = "null"
    elif name_slots:
        content_text = slot_tool_names(_json_string(escape(content)), table)
    else:
        content_text = _json_string(escape(content))
    calls = []
    for call in response.get("tool_calls") or []:
        arguments = call.get("arguments")
        if arguments is None:
            arguments = {}
        index = table.find_name(call["name"]) if name_slots else None
        head = call_head(call["name"]) if index is None else '{"name":' + slot_token(index) + ',"arguments":'
        keys = table.tool_keys.get(escape(str(call["name"]))) if name_slots else None
        if keys is not None and isinstance(arguments, dict):
            calls.append(head + render_arguments(arguments, keys, table) + "}")
        else:
            calls.append(head + render_json(arguments, table, sort_keys=True) + "}")
    return '{"content":' + content_text + ',"tool_calls":[' + ",".join(calls) + "]}"


def render_arguments(arguments: dict, keys: list[str], table: SlotTable) -> str:
    """v3: a listed tool's arguments, top-level keys in the tool's schema order (then any others,
    sorted), each key that is a parameter-name slot written `"<Sk>"`; values as render_json."""
    order = {key: position for position, key in enumerate(keys)}
    members = []
    for key in sorted(arguments, key=lambda k: (order.get(k, len(order)), k)):
        index = table.find_key(escape(str(key))) if key in order else None
        name = '"' + slot_token(index) + '"' if index is not None else _json_string(escape(str(key)))
        members.append(name + ":" + render_json(arguments[key], table, sort_keys=True))
    return "{" + ",".join(members) + "}"


def slot_tool_names(text: str, table: SlotTable) -> str:
    """Replaces, left to right, the longest tool-name slot text found at each position by its slot
    token (v2 content rendering: "none of the functions (<S0>, <S1>) applies")."""
    names = sorted(((slot.text, i) for i, slot in enumerate(table.slots) if slot.tool_name),
                   key=lambda item: -len(item[0]))
    if not names:
        return text
    out, position = [], 0
    while position < len(text):
        hit = next(((name, i) for name, i in names if text.startswith(name, position)), None)
        if hit is None:
            out.append(text[position])
            position += 1
        else:
            out.append(slot_token(hit[1]))
            position += len(hit[0])
    return "".join(out)


def _schema_type_text(schema: dict) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        return "|".join(k for k in kind if isinstance(k, str))
    return kind if isinstance(kind, str) else "any"


def render_tools(tools: list[dict], table: SlotTable) -> str:
    """v2 tool list: `<|tools|>` then per tool `<Sk>NAME(PARAM:TYPE,PARAM?:TYPE=<Sa>|<Sb>,…)`.

    The name gets a slot (kind string, marked as a tool name) first, then the tool's string enum
    values get slots; parameters in schema order, `?` when not required."""
    parts = [TOOLS]
    for tool in tools:
        name = str(tool.get("name") or "")
        index = table.add(escape(name), "string", tool_name=True)
        parts.append((slot_token(index) if index is not None else "") + escape(name) + "(")
        parameters = tool.get("parameters") or {}
        properties = parameters.get("properties") if isinstance(parameters, dict) else None
        required = set(parameters.get("required") or []) if isinstance(parameters, dict) else set()
        rendered = []
        table.tool_keys.setdefault(escape(name), [str(key) for key in properties or {}])
        for key, schema in (properties or {}).items():
            schema = schema if isinstance(schema, dict) else {}
            key_slot = table.add(escape(str(key)), "string", key=True)
            text = ((slot_token(key_slot) if key_slot is not None else "") + escape(str(key))
                    + ("" if key in required else "?") + ":" + escape(_schema_type_text(schema)))
            values = schema.get("enum")
            if isinstance(values, list) and values:
                options = []
                for value in values:
                    if isinstance(value, str) and (slot := table.add(escape(value), "string")) is not None:
                        options.append(slot_token(slot))
                    else:
                        options.append(_json_string(escape(value)) if isinstance(value, str)
                                       else json.dumps(value, separators=(",", ":"), ensure_ascii=False))
                text += "=" + "|".join(options)
            rendered.append(text)
        parts.append(",".join(rendered) + ")")
    return "".join(parts)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is no JSON number")


def _members_once(pairs: list[tuple[str, Any]]) -> dict:
    """An object's members; a key written twice refuses the text (Python would keep the last
    value, an ordered parser both: the engines would read different results)."""
    members = dict(pairs)
    if len(members) != len(pairs):
        raise ValueError("a key written twice")
    return members


def _parse_tool_json(content: str) -> Any | None:
    """A tool result's JSON object or array, or None: content not starting with `{` or `[` once
    trimmed, or not strict JSON (NaN / Infinity, a key written twice; the Swift engine's
    `PromptRenderer.parseToolJSON` refuses the same, and numbers such as `01` or `+2`, which
    `json.loads` refuses already)."""
    stripped = content.strip()
    if not stripped or stripped[0] not in "[{":
        return None
    try:
        return json.loads(stripped, parse_constant=_refuse_constant, object_pairs_hook=_members_once)
    except ValueError:
        return None


@dataclass
class RenderedPrompt:
    text: str  # starts with <|bos|>, ends with <|answer|>
    slots: SlotTable
    head: str = BOS  # <|bos|> and the v2 tool list: kept whole when a long prompt is cut
    name_slots: bool = False  # v2: the prompt lists the request's tools; answers name them by slot


def render_prompt(messages: list[dict], max_slots: int = MAX_SLOTS, tools: list[dict] | None = None,
                  question_spans: bool = False, tag_slots: bool = False) -> RenderedPrompt:
    """Renders the varying part of a conversation; slots are numbered in order of appearance.

    `tools`: the request's own tools when they differ from the cluster's constant ones (v2). v3:
    the messages' values are numbered first (from <S0>), then the listed tools' names, parameter
    names and enum values, although the list is written before the messages: so "the first value
    of the question" is <S0> whatever the tools, and a tiny model need not count the list's slots.
    `question_spans` (v4 prompt feature, spans.py): user text gets pointers instead of slots.
    `tag_slots` (prompt feature, tag_slots.py): `#word` and `@word` of free text are slots too."""
    table = SlotTable(limit=max_slots, tags=tag_slots)
    name_slots = bool(tools)
    if name_slots:
        table.units = Units() if question_spans else None
        _render_messages(messages, table, False)  # numbers the messages' values first
    table.units = Units() if question_spans else None
    head = BOS + (render_tools(tools, table) if tools else "")
    parts = [head] + _render_messages(messages, table, name_slots) + [ANSWER]
    return RenderedPrompt("".join(parts), table, head, name_slots)


def _render_messages(messages: list[dict], table: SlotTable, name_slots: bool) -> list[str]:
    parts = []
    for message in messages:
        role = message.get("role")
        if role not in ROLE_TOKENS:
            raise ValueError(f"message role {role!r} is not one of user, assistant, tool")
        parts.append(ROLE_TOKENS[role])
        content = message.get("content")
        if role == "assistant":
            for call in message.get("tool_calls") or []:
                register_json_values(call.get("arguments") or {}, table)
            parts.append(render_response(message, table, name_slots))
        elif role == "tool" and content is not None and (parsed := _parse_tool_json(content)) is not None:
            register_json_values(parsed, table)
            parts.append(render_json(parsed, table, sort_keys=False))
        elif role == "user" and table.units is not None:
            parts.append(point_text(escape(content or ""), table.units))
        else:
            parts.append(slot_text(escape(content or ""), table))
    return parts


def render_target(target: dict, prompt: RenderedPrompt) -> str:
    """The text the model learns to write after <|answer|>; <|end|> follows it."""
    return render_response(target, prompt.slots, prompt.name_slots)


_SLOT_IN_TEXT = re.compile(r"<S(\d+)>")
_SLOT_KEY = "\u0000slot"
_SPAN_KEY = "\u0000span"


def _mark_slots(text: str) -> str:
    """Slot tokens outside JSON strings become `{"\\u0000slot":k}` objects; inside strings (v2
    content naming tools) they stay text."""
    out, position, in_string = [], 0, False
    while position < len(text):
        char = text[position]
        if in_string:
            if char == "\\":
                out.append(text[position : position + 2])
                position += 2
                continue
            in_string = char != '"'
        elif char == '"':
            in_string = True
        elif char == "<" and (run := mark_pointers(text, position)) is not None:
            out.append(run[0])
            position = run[1]
            continue
        elif char == "<" and (match := _SLOT_IN_TEXT.match(text, position)) is not None:
            out.append('{"' + "\\u0000slot" + '":' + match.group(1) + "}")
            position = match.end()
            continue
        out.append(char)
        position += 1
    return "".join(out)


def parse_response(text: str) -> dict:
    """Reads generated text (without <|end|>) back into a canonical response holding SlotRefs.

    Raises ValueError when the text is not a canonical response."""
    marked = _mark_slots(text)

    def hook(obj: dict) -> Any:
        if set(obj) == {_SPAN_KEY}:
            return SpanRef(*obj[_SPAN_KEY])
        return SlotRef(obj[_SLOT_KEY]) if set(obj) == {_SLOT_KEY} else obj

    value = json.loads(marked, object_hook=hook)
    if not isinstance(value, dict) or "tool_calls" not in value:
        raise ValueError("the answer is not a canonical response object")
    calls = value.get("tool_calls")
    if not isinstance(calls, list):
        raise ValueError("tool_calls is not a list")
    for call in calls:
        if not isinstance(call, dict) or not isinstance(call.get("name"), (str, SlotRef)):
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
