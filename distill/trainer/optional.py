"""The `optional_arguments` policy (recipe key, written to specialist.json, honoured by both
engines): whether a specialist's calls may carry their tools' optional arguments.

`model` (default): any argument the schema lists. `omit`: only the tool's `required` arguments —
the Swift engine constrains decoding to them, evaluate.py drops the others from the decoded
answer. `auto`: `omit` when the cluster's training answers leave out more than half of the optional
arguments their calls could carry, else `model`. A small model adds optional arguments the request
did not ask for (a unit, a flag, the next value of the question) more often than it gets them
right: on the BFCL generic agent (45% of optional arguments filled in training answers) `omit`
gained 4–5 in-request held-out answers of 114 (distill/MEASUREMENTS.md), while agents whose answers fill
most optional arguments (file system 94%, ticket 81%) keep `model`. Choosing by decoding the
validation split was tried and missed the gain: evaluate.py decodes unconstrained, so many of the
answers `omit` repairs in the Swift engine do not parse there.
"""

from __future__ import annotations

POLICIES = ("model", "omit", "auto")


def required_keys(parameters) -> set:
    """The keys a tool's `parameters` schema lists in `required` (none for a missing schema)."""
    return set((parameters or {}).get("required") or []) if isinstance(parameters, dict) else set()


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
            required = required_keys(schema)
            arguments = {key: value for key, value in arguments.items() if key in required}
        calls.append({**call, "arguments": arguments})
    return {**response, "tool_calls": calls}


def optional_share(examples, tools_of) -> tuple[int, int]:
    """(optional arguments the training answers' calls carry, optional arguments they could carry)."""
    used = possible = 0
    for example in examples:
        schemas = {t.get("name"): t.get("parameters") for t in tools_of(example) or []}
        for call in example.target.get("tool_calls") or []:
            schema, arguments = schemas.get(call.get("name")), call.get("arguments") or {}
            if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
                continue
            optional = [key for key in schema["properties"] if key not in required_keys(schema)]
            possible += len(optional)
            used += sum(key in arguments for key in optional)
    return used, possible


def choose(examples, tools_of) -> tuple[str, dict]:
    """The `auto` policy from the training answers, with the counts it was chosen by."""
    used, possible = optional_share(examples, tools_of)
    return ("omit" if possible and used * 2 < possible else "model"), {"used": used, "possible": possible}
