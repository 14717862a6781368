"""Value slots: make copying values from the request cheap for a tiny model.

Value-like spans of the prompt (quoted strings, numbers, ids, file names; every string or number
leaf of JSON tool results and of earlier tool calls) are replaced by numbered slot tokens
<S0>, <S1>, ...; the model learns to write a slot token where its answer reuses a value, and
`restore` puts the values back, typed by the tool's JSON schema. The rules are part of the
prompt format (PROMPT_FORMAT.md, "Value slots") and must not change without a version bump.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

MAX_SLOTS = 64
MAX_SLOT_CHARS = 100

_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
# One alternation, leftmost match wins; groups: 1 single-quoted, 2 double-quoted, 3 backticked,
# 4 a bare token. Quotes must not touch word characters on the outside ("user's" is no quote).
_TEXT_SPAN = re.compile(
    r"(?<!\w)'([^'\n]{1,100})'(?!\w)"
    r'|"([^"\n]{1,100})"'
    r"|`([^`\n]{1,100})`"
    r"|(?<![\w.@/:+\-])(-?[A-Za-z0-9_](?:[\w.@/:+\-]*\w)?)",
    re.ASCII,  # \w is [A-Za-z0-9_]: simple to re-implement exactly
)
# Prompt feature tag_slots (tag_slots.py): group 5, a `#hashtag` or `@mention` with its sign.
_TEXT_SPAN_TAGS = re.compile(_TEXT_SPAN.pattern + r"|(?<![\w#@])([#@][A-Za-z0-9_]+)", re.ASCII)


def is_value_token(token: str) -> bool:
    """A bare token is a value when it holds a digit, or `_ @ . /` inside (ids, file names, emails)."""
    if any(ch in "0123456789" for ch in token):
        return True
    return any(ch in token for ch in "_@./")


def is_number_text(text: str) -> bool:
    return _NUMBER.fullmatch(text) is not None


def is_number(value) -> bool:
    """Whether a JSON value is a number: an int or float, not a boolean (Python's bool is an int)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def number_value(text: str) -> int | float:
    return int(text) if re.fullmatch(r"-?[0-9]+", text) else float(text)


def json_number_text(value: int | float) -> str:
    """Numbers as JSON text: integers in decimal, floats as Python's shortest round-trip repr."""
    return json.dumps(value)


@dataclass
class Slot:
    text: str  # the value as it appeared (strings unquoted; numbers as JSON text)
    kind: str  # "string" or "number"
    tool_name: bool = False  # v2: the name of one of the request's tools
    key: bool = False  # v3: a parameter name of one of the request's tools


@dataclass
class SlotTable:
    """The slots of one prompt, in order of first appearance; equal texts share a slot."""

    slots: list[Slot] = field(default_factory=list)
    limit: int = MAX_SLOTS
    # v3: each listed tool's top-level parameter names in schema order (answers write them so)
    tool_keys: dict[str, list[str]] = field(default_factory=dict)
    # v4 prompt feature question_spans: the user text's pointed-at units (spans.Units), or None
    units: Any = None
    # prompt feature tag_slots: `#hashtag` and `@mention` words of free text are value slots too
    tags: bool = False
    # the texts added as values, not only as names (a name slot may be a value too; Swift valueTexts)
    value_texts: set[str] = field(default_factory=set)

    def add(self, text: str, kind: str, tool_name: bool = False, key: bool = False) -> int | None:
        if not tool_name and not key:
            self.value_texts.add(text)
        for index, slot in enumerate(self.slots):
            if slot.text == text:
                slot.tool_name = slot.tool_name or tool_name
                slot.key = slot.key or key
                return index
        if len(self.slots) >= self.limit or not text or len(text) > MAX_SLOT_CHARS:
            return None
        self.slots.append(Slot(text, kind, tool_name, key))
        return len(self.slots) - 1

    def name_only(self, index: int) -> bool:
        """Whether the slot is a listed tool's name or parameter name and never a value (the Swift
        grammar never lets an argument value copy it: `PromptSlotTable.nameOnlySlots`)."""
        slot = self.slots[index]
        return (slot.tool_name or slot.key) and slot.text not in self.value_texts

    def find_key(self, key: str) -> int | None:
        """The slot of a parameter name (v3), if it got one."""
        for index, slot in enumerate(self.slots):
            if slot.key and slot.text == key:
                return index
        return None

    def find_name(self, name: str) -> int | None:
        """The slot of a tool name (v2), if the name got one."""
        for index, slot in enumerate(self.slots):
            if slot.tool_name and slot.text == name:
                return index
        return None

    def find(self, value: Any) -> int | None:
        """The slot an answer's leaf value can be copied from, if any (first match wins)."""
        if isinstance(value, bool) or value is None:
            return None
        if isinstance(value, str):
            for index, slot in enumerate(self.slots):
                if slot.text == value:
                    return index
            return None
        if isinstance(value, (int, float)):
            for index, slot in enumerate(self.slots):
                if is_number_text(slot.text) and number_value(slot.text) == value:
                    return index
        return None

    def to_json(self) -> list[dict[str, str]]:
        return [{"text": s.text, "kind": s.kind, **({"tool_name": True} if s.tool_name else {}),
                 **({"key": True} if s.key else {})} for s in self.slots]


def slot_token(index: int) -> str:
    return f"<S{index}>"


_TITLE_WORD = re.compile(r"[A-Z][a-z]+")
_TITLE_RUN = re.compile(r"(?: [A-Z][a-z]+)+(?![\w])", re.ASCII)
_ALL_CAPS = re.compile(r"[A-Z]{2,}")
_SENTENCE_END = ".!?:;\"'(\n"


def _is_sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" ")
    return not before or before[-1] in _SENTENCE_END


def slot_text(text: str, table: SlotTable) -> str:
    """Replaces value-like spans of free text by slot tokens (quotes included in the span).

    Spans: quoted text ('…', "…", `…`); bare tokens holding a digit or one of `_ @ . /`;
    all-capital words of 2+ letters; runs of capitalised words (`San Francisco`) that do not
    start a sentence; with `table.tags` (prompt feature tag_slots) `#word` and `@word`."""
    out: list[str] = []
    last = 0
    position = 0
    pattern = _TEXT_SPAN_TAGS if table.tags else _TEXT_SPAN
    while (match := pattern.search(text, position)) is not None:
        position = match.end()
        end = match.end()
        quoted = match.group(1) or match.group(2) or match.group(3)
        if quoted is not None:
            value = quoted
        elif table.tags and match.group(5) is not None:
            value = match.group(5)
        else:
            value = match.group(4)
            if _TITLE_WORD.fullmatch(value) and not _is_sentence_start(text, match.start()):
                if (run := _TITLE_RUN.match(text, end)) is not None:
                    end = run.end()
                    value = text[match.start() : end]
            elif not (is_value_token(value) or _ALL_CAPS.fullmatch(value)):
                continue
        index = table.add(value, "number" if is_number_text(value) else "string")
        if index is None:
            continue
        out.append(text[last : match.start()])
        out.append(slot_token(index))
        last = position = end
    out.append(text[last:])
    return "".join(out)


def _register_leaves(value: Any, table: SlotTable) -> None:
    if isinstance(value, dict):
        for item in value.values():
            _register_leaves(item, table)
    elif isinstance(value, list):
        for item in value:
            _register_leaves(item, table)
    elif isinstance(value, str):
        table.add(value, "string")
    elif is_number(value):
        table.add(json_number_text(value), "number")


def register_json_values(value: Any, table: SlotTable) -> None:
    """Gives every string and number leaf of a JSON value a slot, depth first, in member order."""
    _register_leaves(value, table)


# --- Restoration -------------------------------------------------------------------------------


def _schema_type(schema: dict | None) -> str | None:
    if not isinstance(schema, dict):
        return None
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    return {"float": "number", "dict": "object", "tuple": "array"}.get(kind, kind)


def coerce(slot: Slot, schema: dict | None) -> Any:
    """A slot's value typed by the JSON schema of the place it is written to."""
    kind = _schema_type(schema)
    text = slot.text
    if kind == "string":
        return text
    if kind == "integer" and is_number_text(text):
        number = number_value(text)
        return int(number) if float(number).is_integer() else number
    if kind == "number" and is_number_text(text):
        return number_value(text)
    if kind == "boolean" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if kind in ("array", "object"):
        try:
            parsed = json.loads(text)
            if isinstance(parsed, (list, dict)):
                return parsed
        except ValueError:
            pass
        return text
    if kind is None and slot.kind == "number" and is_number_text(text):
        return number_value(text)
    return text


class SlotRef:
    """A slot token found while parsing generated text, before it is restored."""

    def __init__(self, index: int):
        self.index = index

    def __repr__(self) -> str:
        return f"<S{self.index}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SlotRef) and other.index == self.index


def _child_schema(schema: dict | None, key: str | int) -> dict | None:
    if not isinstance(schema, dict):
        return None
    if isinstance(key, str):
        props = schema.get("properties")
        return props.get(key) if isinstance(props, dict) else None
    items = schema.get("items")
    return items if isinstance(items, dict) else None


def restore_value(value: Any, table: SlotTable, schema: dict | None) -> Any:
    """Replaces SlotRefs in a parsed JSON value, coercing each by the schema at its path.

    Raises IndexError for a slot the prompt does not have."""
    from .spans import SpanRef  # spans imports this module's number helpers

    if isinstance(value, SlotRef):
        return coerce(table.slots[value.index], schema)
    if isinstance(value, SpanRef):
        if table.units is None:
            raise ValueError(f"pointer run {value!r} in a prompt without question_spans")
        text = table.units.text(value.first, value.last)
        return coerce(Slot(text, "number" if is_number_text(text) else "string"), schema)
    if isinstance(value, dict):
        return {k: restore_value(v, table, _child_schema(schema, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [restore_value(v, table, _child_schema(schema, i)) for i, v in enumerate(value)]
    return value


def restore_response(response: dict, table: SlotTable, tools: list[dict]) -> dict:
    """Restores every slot of a parsed canonical response, typed by the named tool's parameters."""
    schemas = {t.get("name"): t.get("parameters") for t in tools or []}
    calls = []
    for call in response.get("tool_calls") or []:
        name = call["name"]
        if isinstance(name, SlotRef):
            slot = table.slots[name.index]
            if not slot.tool_name:
                raise ValueError(f"call name {name!r} is a slot that holds no tool name")
            name = slot.text
        arguments = call["arguments"]
        if isinstance(arguments, dict):
            arguments = {_restore_key(k, table): v for k, v in arguments.items()}
        calls.append({"name": name, "arguments": restore_value(arguments, table, schemas.get(name))})
    content = response.get("content")
    if isinstance(content, SlotRef):
        content = table.slots[content.index].text
    elif isinstance(content, str):
        content = _SLOT_TOKEN.sub(lambda m: table.slots[int(m.group(1))].text, content)
    return {"content": content, "tool_calls": calls}


_SLOT_TOKEN = re.compile(r"<S(\d+)>")



def _restore_key(key: str, table: SlotTable) -> str:
    """v3: an argument key written as a parameter-name slot (`"<S4>"`) is that slot's text."""
    match = _SLOT_TOKEN.fullmatch(key)
    if match is None:
        return key
    slot = table.slots[int(match.group(1))]
    if not slot.key:
        raise ValueError(f"argument key {key} is a slot that holds no parameter name")
    return slot.text
