"""BFCL function docs → OpenAI tools whose parameters are valid JSON Schema."""

import json

import jsonschema
import pytest

from bfcl_fleet.agents import AGENTS, DATA_DIR, SINGLE_TURN_CATEGORIES
from bfcl_fleet.schema import json_schema, openai_tool

JSON_TYPES = {"object", "array", "string", "number", "integer", "boolean", "null"}


def _types(schema):
    if isinstance(schema, dict):
        if "type" in schema:
            yield schema["type"]
        for key in ("properties",):
            for sub in (schema.get(key) or {}).values():
                yield from _types(sub)
        if "items" in schema:
            yield from _types(schema["items"])
        for sub in schema.get("anyOf", []):
            yield from _types(sub)


def test_bfcl_types_map_to_json_schema_types():
    doc = {"type": "dict", "properties": {
        "ratio": {"type": "float", "description": "r"},
        "pair": {"type": "tuple", "items": {"type": "integer"}},
        "anything": {"type": "any", "description": "whatever"},
        "nested": {"type": "dict", "properties": {"flag": {"type": "boolean", "optional": True}}},
        "mixed": {"type": "array", "items": [{"type": "float"}, {"type": "string"}]},
    }, "required": ["ratio", "missing"]}
    assert json_schema(doc) == {"type": "object", "properties": {
        "ratio": {"type": "number", "description": "r"},
        "pair": {"type": "array", "items": {"type": "integer"}},
        "anything": {"description": "whatever"},
        "nested": {"type": "object", "properties": {"flag": {"type": "boolean"}}},
        "mixed": {"type": "array", "items": {"anyOf": [{"type": "number"}, {"type": "string"}]}},
    }, "required": ["ratio"]}


def test_unknown_types_are_reported():
    with pytest.raises(ValueError, match="complex"):
        json_schema({"type": "complex"})


def _all_docs():
    for agent in AGENTS.values():
        if agent.func_doc:
            for line in (DATA_DIR / "multi_turn_func_doc" / agent.func_doc).read_text().splitlines():
                yield json.loads(line)
    for category in SINGLE_TURN_CATEGORIES:
        for line in (DATA_DIR / f"BFCL_v4_{category}.json").read_text().splitlines():
            yield from json.loads(line)["function"]


def test_every_bfcl_function_used_converts_to_a_valid_openai_tool():
    meta = jsonschema.Draft202012Validator(jsonschema.Draft202012Validator.META_SCHEMA)
    count, seen = 0, set()
    for doc in _all_docs():
        key = json.dumps(doc, sort_keys=True)
        if key in seen:
            continue
        seen.add(key)
        tool = openai_tool(doc)
        function = tool["function"]
        assert tool["type"] == "function"
        assert 1 <= len(function["name"]) <= 64 and all(c.isalnum() or c in "_-" for c in function["name"])
        parameters = function["parameters"]
        assert parameters["type"] == "object"
        meta.validate(parameters)
        assert set(_types(parameters)) <= JSON_TYPES, function["name"]
        assert set(parameters.get("required", [])) <= set(parameters["properties"])
        count += 1
    assert count > 900
