"""The `optional_arguments` policy (recipe key, written to specialist.json, honoured by both
engines): whether a specialist's calls may carry their tools' optional arguments.

`model` (default): any argument the schema lists. `omit`: only the tool's `required` arguments —
the Swift engine constrains decoding to them, evaluate.py drops the others from the decoded
answer. `auto`: the trainer decodes the validation split once and picks `omit` when that matches
more validation answers than `model` does. A small model adds optional arguments the request did
not ask for (a unit, a flag, the next value of the question) more often than it leaves out one
the request filled: on the BFCL generic agent `omit` gained 4–5 in-request held-out answers of 114
(distill/README.md), while an agent whose answers routinely fill optional arguments keeps `model`.
"""

from __future__ import annotations

POLICIES = ("model", "omit", "auto")


def omit_optional(response: dict | None, tools: list[dict]) -> dict | None:
    """The response with each call's top-level arguments cut to its tool's required ones (calls of
    tools the list lacks are left alone)."""
    if response is None:
        return None
    schemas = {t.get("name"): t.get("parameters") for t in tools or []}
    calls = []
    for call in response.get("tool_calls") or []:
        schema, arguments = schemas.get(call.get("name")), call.get("arguments")
        if isinstance(schema, dict) and isinstance(arguments, dict):
            required = set(schema.get("required") or [])
            arguments = {key: value for key, value in arguments.items() if key in required}
        calls.append({**call, "arguments": arguments})
    return {**response, "tool_calls": calls}


def choose(responses: list[dict | None], targets: list[dict], tools_of: list[list[dict]], match) -> tuple[str, dict]:
    """`omit` when it matches more of `targets` than the responses as decoded (`match(response,
    target)` is the exact-match rule), else `model`; with the two counts."""
    as_decoded = sum(match(r, t) for r, t in zip(responses, targets))
    omitted = sum(match(omit_optional(r, tools), t) for r, t, tools in zip(responses, targets, tools_of))
    return ("omit" if omitted > as_decoded else "model"), {"model": as_decoded, "omit": omitted,
                                                            "examples": len(targets)}
