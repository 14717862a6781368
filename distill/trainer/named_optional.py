"""Prompt feature `named_optional`: an optional argument the training answers write exactly when the
question names it, dropped after decoding from a call whose question does not.

On the BFCL multi-turn ticket suite `create_ticket`'s `priority` (optional, default 1) is written
in the 9 training calls whose question has a word starting with "priority" ("priority 5",
"priority-2", "high-priority", "max priority") and left out of the 4 whose question has none; the
scratch specialist writes priority 5 or 1 either way. Whether an optional argument follows its
naming is a habit of the agent, visible in its training answers, so it is learnt at training time
and applied after decoding, as `named_values` is.

The rule (PROMPT_FORMAT.md, "Prompt features"); the *question* is the last user message's content
and a key's *name words* are `named_values`' (a word outside the quoted spans that starts with the
key, either case; keys that are not ASCII letters have none and are never listed):
- specialist.json `named_optional`: `{"arguments": [{"tool", "key"}, ...], "counts": {"TOOL.KEY":
  [right, seen]}}`, chosen by the trainer: per tool and top-level key of its schema's `properties`
  not in its `required`, over the training calls to the tool, the key is written exactly when the
  question has a name word of it in at least `MIN_SHARE` and at least `MIN_COUNT` of the calls.
- *Fill* (after `named_calls`, before `named_values`): each call to a listed tool whose question
  has no name word of a listed key of that tool loses the key; the other arguments keep their order.
"""

from __future__ import annotations

from .named_values import _KEY, name_words
from .remembered_keys import MIN_COUNT, MIN_SHARE, _properties
from .retrieval import query_text

FEATURE = "named_optional"


def _optional_keys(tools: list[dict], name: str) -> list[str]:
    """The tool's top-level keys that are not required and are ASCII letters, in schema order."""
    for tool in tools or []:
        if tool.get("name") == name:
            required = set((tool.get("parameters") or {}).get("required") or [])
            return [key for key in _properties(tools, name) if key not in required and _KEY.match(key)]
    return []


def fill(response: dict, messages: list[dict], arguments: list[dict], tools: list[dict]) -> dict:
    """The restored response without the listed arguments its question does not name."""
    if not arguments or not response.get("tool_calls"):
        return response
    question = query_text(messages)
    unnamed = {(rule["tool"], rule["key"]) for rule in arguments if not name_words(question, rule["key"])}
    calls = []
    for call in response["tool_calls"]:
        if isinstance(call.get("arguments"), dict):
            call = {**call, "arguments": {key: value for key, value in call["arguments"].items()
                                          if (call.get("name"), key) not in unnamed}}
        calls.append(call)
    return {**response, "tool_calls": calls}


def choose(examples, tools: list[dict]) -> dict:
    """The optional arguments the training answers write exactly when their question names them
    (module docstring), with the counts: {"arguments": [{"tool", "key"}], "counts": {"tool.key": [right, seen]}}."""
    counts: dict[tuple[str, str], list[int]] = {}
    for example in examples:
        question = query_text(example.messages)
        for call in example.target.get("tool_calls") or []:
            name = str(call.get("name"))
            arguments = call.get("arguments") if isinstance(call.get("arguments"), dict) else {}
            for key in _optional_keys(tools, name):
                tally = counts.setdefault((name, key), [0, 0])
                tally[0] += (key in arguments) == bool(name_words(question, key))
                tally[1] += 1
    listed = sorted(pair for pair, (right, seen) in counts.items() if right >= MIN_COUNT and right >= MIN_SHARE * seen)
    return {"arguments": [{"tool": tool, "key": key} for tool, key in listed],
            "counts": {".".join(pair): counts[pair] for pair in listed}}
