"""Ground truth: BFCL call strings and possible answers → canonical tool calls.

A canonical tool call is `{"name": str, "arguments": {…}}` (docs/formats.md `ToolCall`).
"""

from __future__ import annotations

import ast
from typing import Any, Callable, Optional, Sequence

from .schema import tool_name

PositionalNames = Callable[[str], Sequence[str]]


class CallParseError(ValueError):
    """A BFCL call string that is not `name(literal args…)`."""


def _literal(node: ast.AST, source: str) -> Any:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, (str, int, float, bool)) or node.value is None:
            return node.value
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _literal(node.operand, source)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value if isinstance(node.op, ast.USub) else value
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        # JSON has no tuples or sets: both become arrays, element order as written.
        return [_literal(element, source) for element in node.elts]
    elif isinstance(node, ast.Dict):
        result = {}
        for key, value in zip(node.keys, node.values):
            if key is None:
                raise CallParseError(f"`**` unpacking is not a literal in {source!r}")
            k = _literal(key, source)
            result[k if isinstance(k, str) else str(k)] = _literal(value, source)
        return result
    raise CallParseError(f"unsupported expression {ast.dump(node)[:60]} in {source!r}")


def parse_call(source: str, positional_names: Optional[PositionalNames] = None) -> dict:
    """Parses `cd(folder='document')` into `{"name": "cd", "arguments": {"folder": "document"}}`.

    Positional arguments (BFCL writes `sort('final_report.pdf')`) are named with
    `positional_names(function_name)`, the function's parameter names in order.
    """
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as error:
        raise CallParseError(f"not a Python call: {source!r} ({error.msg})") from None
    call = tree.body
    if not isinstance(call, ast.Call):
        raise CallParseError(f"not a function call: {source!r}")
    name = ast.unparse(call.func)
    arguments: dict = {}
    if call.args:
        names = list(positional_names(name)) if positional_names else []
        if len(call.args) > len(names):
            raise CallParseError(f"{len(call.args)} positional arguments but known names {names} in {source!r}")
        for param, node in zip(names, call.args):
            arguments[param] = _literal(node, source)
    for keyword in call.keywords:
        if keyword.arg is None:
            raise CallParseError(f"`**` arguments are not supported in {source!r}")
        arguments[keyword.arg] = _literal(keyword.value, source)
    return {"name": tool_name(name), "arguments": arguments}


def _first_acceptable(value: Any) -> tuple[bool, Any]:
    """(keep, value) for one parameter's list of acceptable values."""
    if not isinstance(value, list):
        return True, _pick_nested(value)
    if not value or "" in value:
        # "" among the acceptable values means "may be omitted": the canonical answer omits it.
        return False, None
    return True, _pick_nested(value[0])


def _pick_nested(value: Any) -> Any:
    # Nested dict answers list acceptable values per key as well.
    if isinstance(value, dict) and value and all(isinstance(v, list) for v in value.values()):
        picked = {}
        for key, acceptable in value.items():
            keep, chosen = _first_acceptable(acceptable)
            if keep:
                picked[key] = chosen
        return picked
    return value


def single_turn_answer(ground_truth: list) -> list[dict]:
    """BFCL single-turn possible answer `[{"f": {"p": [v1, v2]}}]` → tool calls with first values."""
    calls = []
    for entry in ground_truth:
        for name, params in entry.items():
            arguments = {}
            for param, acceptable in params.items():
                keep, chosen = _first_acceptable(acceptable)
                if keep:
                    arguments[param] = chosen
            calls.append({"name": tool_name(name), "arguments": arguments})
    return calls
