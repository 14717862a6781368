"""Prompt feature `distinct_calls`: decoding ends an answer at its first call that repeats an
earlier call of the same answer; the repeat and everything after it are dropped.

A scratch specialist that has written a call sometimes writes the same call again and again until
max_new_tokens cuts the answer (BFCL seed 0, the mtkm fleet: vehicle `check_tire_pressure` eight
times for 4 of 14 in-request answers, file_system `ls -a` seven times for 2 of 15; 15 of vehicle's
57 held-out answers unparsable). No training answer of the seven multi-turn suites repeats a call
(0 of 1,080), so the feature is listed only for clusters whose training answers never repeat one
(`repeating_answers`, decided on training data).

The rule works on the generated text, before slot restoration (PROMPT_FORMAT.md, "Prompt
features"): when the text starts with the response head `{"content":null,"tool_calls":[`, its
complete calls are read in order (a call is one balanced `{…}` object, JSON strings skipped); if
a call's text equals an earlier call's text, the answer becomes the head, the calls before it
joined by `,`, and `]}`. Otherwise the text is unchanged (a cut answer without a repeat stays
cut). Slot tokens are compared as written: `<S3>` twice is the same value. Greedy decoding of the
kept calls does not depend on what follows, so an engine may stop generating as soon as a repeat
is complete (the Swift engine does) and get the same answer.
"""

from __future__ import annotations

import json

from .prompt import RESPONSE_HEAD

FEATURE = "distinct_calls"


def calls_of(text: str) -> list[str]:
    """The complete call texts after the response head, in order (none without the head)."""
    if not text.startswith(RESPONSE_HEAD):
        return []
    calls, position = [], len(RESPONSE_HEAD)
    while position < len(text) and text[position] == "{":
        end = _object_end(text, position)
        if end is None:
            break
        calls.append(text[position:end])
        if end < len(text) and text[end] == ",":
            position = end + 1
        else:
            break
    return calls


def _object_end(text: str, start: int) -> int | None:
    """The index after the `}` that closes the object opened at `start`, None if it never closes."""
    depth, position, in_string = 0, start, False
    while position < len(text):
        char = text[position]
        if in_string:
            if char == "\\":
                position += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return position + 1
        position += 1
    return None


def first_repeat(calls: list[str]) -> int | None:
    """The index of the first call equal to an earlier one."""
    seen = set()
    for index, call in enumerate(calls):
        if call in seen:
            return index
        seen.add(call)
    return None


def cut_repeats(text: str) -> str:
    """The answer text ended before its first repeated call (unchanged when no call repeats)."""
    calls = calls_of(text)
    repeat = first_repeat(calls)
    if repeat is None:
        return text
    return RESPONSE_HEAD + ",".join(calls[:repeat]) + "]}"


def repeating_answers(targets: list[dict]) -> int:
    """How many answers call the same tool with the same arguments twice (the feature is listed
    only when none of the training answers does)."""
    def key(call: dict) -> str:
        return json.dumps({"name": call.get("name"), "arguments": call.get("arguments") or {}}, sort_keys=True)

    count = 0
    for target in targets:
        keys = [key(call) for call in target.get("tool_calls") or []]
        count += len(set(keys)) < len(keys)
    return count
