"""Executes ground-truth calls against BFCL's own multi-turn API classes to get tool results.

BFCL ships an executable Python backend for each suite (file system, trading bot, …). Running the
ground-truth calls of a conversation in order against one set of instances, loaded with the
conversation's `initial_config`, yields the tool results a real agent would have seen. All
backends are deterministic (their randomness is seeded from the scenario).
"""

from __future__ import annotations

import copy
import importlib
import inspect
import json
from functools import lru_cache
from typing import Any

from bfcl_eval.constants.executable_backend_config import CLASS_FILE_PATH_MAPPING, STATELESS_CLASSES


def backend_class(class_name: str) -> type:
    """The BFCL class implementing a suite, e.g. `GorillaFileSystem`."""
    module = importlib.import_module(CLASS_FILE_PATH_MAPPING[class_name])
    return getattr(module, class_name)


@lru_cache(maxsize=None)
def method_parameters(class_name: str) -> dict[str, list[str]]:
    """Public method name → its parameter names in order (to name positional arguments)."""
    cls = backend_class(class_name)
    result = {}
    for name, function in inspect.getmembers(cls, predicate=inspect.isfunction):
        if name.startswith("_"):
            continue
        params = list(inspect.signature(function).parameters)
        result[name] = [p for p in params if p != "self"]
    return result


def render_result(value: Any) -> str:
    """A tool result as the agent framework would put it into a `tool` message."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(value)


class Session:
    """The live API instances of one BFCL conversation (state carries across its turns)."""

    def __init__(self, involved_classes: list[str], initial_config: dict, long_context: bool = False):
        self.instances: dict[str, Any] = {}
        self.owner: dict[str, str] = {}  # method name → class name
        for class_name in involved_classes:
            instance = backend_class(class_name)()
            if class_name not in STATELESS_CLASSES:
                instance._load_scenario(copy.deepcopy(initial_config.get(class_name, {})), long_context=long_context)
            self.instances[class_name] = instance
            for name in method_parameters(class_name):
                self.owner.setdefault(name, class_name)

    def class_of(self, method: str) -> str | None:
        return self.owner.get(method)

    def execute(self, call: dict) -> str:
        """Runs one canonical call; errors become the text BFCL's own harness would return."""
        class_name = self.owner.get(call["name"])
        if class_name is None:
            return f"Error during execution: unknown function {call['name']}"
        method = getattr(self.instances[class_name], call["name"])
        try:
            return render_result(method(**copy.deepcopy(call["arguments"])))
        except Exception as error:  # the backends raise plain exceptions for bad input
            return f"Error during execution: {error}"
