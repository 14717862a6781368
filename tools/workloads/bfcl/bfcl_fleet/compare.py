"""Answer assembly from the openai SDK's objects and comparison with the expected answer."""

from __future__ import annotations

import json
from typing import Any, Iterable


class AnswerError(ValueError):
    """The model's answer is not well-formed (e.g. tool call arguments that are not JSON)."""


def _arguments(text: str | None, name: str) -> dict:
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError as error:
        raise AnswerError(f"arguments of tool call {name!r} are not JSON: {error.msg} in {text[:80]!r}") from None
    if not isinstance(value, dict):
        raise AnswerError(f"arguments of tool call {name!r} are not a JSON object: {text[:80]!r}")
    return value


def from_completion(completion: Any) -> dict:
    """Canonical answer `{"content", "tool_calls": [{"name", "arguments"}]}` of a ChatCompletion."""
    if not completion.choices:
        raise AnswerError("the completion has no choices")
    message = completion.choices[0].message
    calls = [{"name": call.function.name, "arguments": _arguments(call.function.arguments, call.function.name)}
             for call in message.tool_calls or []]
    return {"content": message.content, "tool_calls": calls}


class StreamAssembler:
    """Folds ChatCompletionChunks (content and tool-call argument deltas) into one answer."""

    def __init__(self) -> None:
        self.content: list[str] = []
        self.calls: dict[int, dict] = {}
        self.usage: Any = None
        self.chunks = 0

    def add(self, chunk: Any) -> None:
        self.chunks += 1
        if getattr(chunk, "usage", None) is not None:
            self.usage = chunk.usage
        for choice in chunk.choices or []:
            delta = choice.delta
            if delta is None:
                continue
            if delta.content:
                self.content.append(delta.content)
            for call in delta.tool_calls or []:
                slot = self.calls.setdefault(call.index, {"name": "", "arguments": ""})
                if call.function is not None:
                    slot["name"] += call.function.name or ""
                    slot["arguments"] += call.function.arguments or ""

    def answer(self) -> dict:
        calls = [{"name": slot["name"], "arguments": _arguments(slot["arguments"], slot["name"])}
                 for _, slot in sorted(self.calls.items())]
        return {"content": "".join(self.content) if self.content else None, "tool_calls": calls}


def same_calls(got: Iterable[dict], expected: Iterable[dict]) -> bool:
    """Tool calls equal by name and arguments, in any order (parallel calls have no order)."""
    remaining = list(got)
    expected = list(expected)
    if len(remaining) != len(expected):
        return False
    for call in expected:
        for index, candidate in enumerate(remaining):
            if candidate["name"] == call["name"] and candidate["arguments"] == call["arguments"]:
                del remaining[index]
                break
        else:
            return False
    return True


def agrees(got: dict, expected: dict) -> bool:
    """Whether an answer equals the expected one: same calls, or (for text answers) the same text."""
    if expected.get("tool_calls"):
        return same_calls(got.get("tool_calls") or [], expected["tool_calls"])
    if got.get("tool_calls"):
        return False
    return (got.get("content") or "").strip() == (expected.get("content") or "").strip()


def from_message(message: Any) -> dict:
    """Canonical answer of an Anthropic Message (text blocks joined, tool_use blocks as calls)."""
    texts = [block.text for block in message.content if block.type == "text"]
    calls = [{"name": block.name, "arguments": dict(block.input or {})}
             for block in message.content if block.type == "tool_use"]
    return {"content": "".join(texts) if texts else None, "tool_calls": calls}


class AnthropicStreamAssembler:
    """Folds Anthropic stream events (text_delta, input_json_delta) into one answer."""

    def __init__(self) -> None:
        self.blocks: dict[int, dict] = {}
        self.usage: Any = None
        self.chunks = 0

    def add(self, event: Any) -> None:
        self.chunks += 1
        if event.type == "content_block_start":
            block = event.content_block
            if block.type == "tool_use":
                self.blocks[event.index] = {"type": "tool_use", "name": block.name, "json": ""}
            elif block.type == "text":
                self.blocks[event.index] = {"type": "text", "text": block.text or ""}
        elif event.type == "content_block_delta":
            slot = self.blocks.get(event.index)
            delta = event.delta
            if slot is None:
                return
            if delta.type == "text_delta":
                slot["text"] += delta.text
            elif delta.type == "input_json_delta":
                slot["json"] += delta.partial_json
        elif event.type == "message_delta":
            self.usage = getattr(event, "usage", None)

    def answer(self) -> dict:
        texts, calls = [], []
        for _, block in sorted(self.blocks.items()):
            if block["type"] == "text":
                texts.append(block["text"])
            else:
                calls.append({"name": block["name"], "arguments": _arguments(block["json"] or "{}", block["name"])})
        return {"content": "".join(texts) if texts else None, "tool_calls": calls}
