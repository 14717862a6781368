"""BFCL function docs → OpenAI `tools` entries with valid JSON Schema parameters."""

from __future__ import annotations

import copy
import re
from typing import Any

# BFCL uses Python-flavoured type names; JSON Schema knows only these.
_TYPE_MAP = {
    "dict": "object",
    "object": "object",
    "float": "number",
    "number": "number",
    "integer": "integer",
    "int": "integer",
    "string": "string",
    "str": "string",
    "boolean": "boolean",
    "bool": "boolean",
    "array": "array",
    "list": "array",
    "tuple": "array",
    "null": "null",
}

# Keys kept from BFCL parameter docs; everything else ("optional", "response", ...) is BFCL-only.
_KEPT_KEYS = ("description", "enum", "default", "format", "minimum", "maximum", "minItems", "maxItems")

_NAME_OK = re.compile(r"[^a-zA-Z0-9_-]")


def tool_name(bfcl_name: str) -> str:
    """OpenAI tool names must match ^[a-zA-Z0-9_-]{1,64}$; BFCL uses dots (`math.factorial`).

    Same rule as BFCL's own OpenAI handler: every other character becomes "_".
    """
    return _NAME_OK.sub("_", bfcl_name)[:64]


def json_schema(doc: Any) -> dict:
    """Converts one BFCL parameter doc (any depth) to a JSON Schema object."""
    if not isinstance(doc, dict):
        return {}
    out: dict = {}
    bfcl_type = doc.get("type")
    if isinstance(bfcl_type, str) and bfcl_type != "any":
        mapped = _TYPE_MAP.get(bfcl_type)
        if mapped is None:
            raise ValueError(f"unknown BFCL parameter type {bfcl_type!r}")
        out["type"] = mapped
    for key in _KEPT_KEYS:
        if key in doc:
            out[key] = copy.deepcopy(doc[key])
    if out.get("type") == "object" or "properties" in doc:
        props = doc.get("properties") or {}
        out["properties"] = {name: json_schema(sub) for name, sub in props.items()}
        required = [name for name in doc.get("required", []) if name in props]
        if required:
            out["required"] = required
    if out.get("type") == "array" or "items" in doc:
        items = doc.get("items")
        if isinstance(items, list):
            # BFCL writes tuple element types as a list; plain JSON Schema `items` is one schema.
            converted = [json_schema(item) for item in items]
            unique = [s for i, s in enumerate(converted) if s not in converted[:i]]
            out["items"] = unique[0] if len(unique) == 1 else {"anyOf": unique}
        elif isinstance(items, dict):
            out["items"] = json_schema(items)
        else:
            out["items"] = {}
    return out


def openai_tool(func_doc: dict) -> dict:
    """One BFCL function doc → `{"type": "function", "function": {name, description, parameters}}`."""
    params = json_schema(func_doc.get("parameters") or {"type": "dict", "properties": {}})
    params["type"] = "object"
    params.setdefault("properties", {})
    return {
        "type": "function",
        "function": {
            "name": tool_name(func_doc["name"]),
            "description": func_doc.get("description", ""),
            "parameters": params,
        },
    }
