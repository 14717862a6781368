"""Prompt feature `sibling_calls`: a one-tool answer gets one call per value the question writes in
the same words as the call's own.

A parallel request ("the final velocity of an object accelerated at a rate of 5 m/s^2 over a
distance of 100 meters, and of one accelerated at a rate of 10 m/s^2 over a distance of 200
meters") wants one call per value set. The scratch specialist of the BFCL generic agent writes the
first call, then stops or repeats values (parallel 0/21 in-request held out, seeds 0 and 1). The
question itself says which values belong together: the later values stand after the same words as
the first call's ("rate of 5" / "rate of 10", "distance of 100" / "distance of 200",
"genotype (AA)" / "genotype (Aa)"). How many words of context mark a sibling is learnt from the
training answers.

The rule (PROMPT_FORMAT.md, "Prompt features"):
- *Question*: the last user message's content. *Candidates*: the prompt's slot texts (every entry
  of the slot table: the messages' values, the listed tools' names, parameter names and enum
  values). An *occurrence* of a text in the question is a match whose preceding character is no
  ASCII letter, digit or `.` and whose following character is no ASCII letter or digit
  (unit_exponents' rule); the *first occurrence* is the leftmost. The *tokens* of a text are its
  runs of `[A-Za-z0-9_]` and its other characters that are not ASCII whitespace, one token each;
  the *context* of a position is the last K tokens of the question before it, ASCII-lowercased
  (none when fewer than K tokens precede it).
- A call argument's *slot text*: for a non-empty string, the candidate equal to it; for a number
  (not a boolean), the first candidate that is a number text (`-?[0-9]+(\\.[0-9]+)?`) of the same
  value; none otherwise. Its *siblings*: the candidates other than its slot text whose first
  occurrence lies after the slot text's first occurrence and has the same context, that are number
  texts when the argument is a number, and that are no argument's slot text; ordered by first
  occurrence, ties by code points.
- *Expansion*: when every call of the restored answer names one tool (at least one call), its first
  call is the template; the top-level arguments with siblings vary. When some vary and all have
  the same number N of siblings, the answer becomes the template followed by N calls, call j the
  template with each varying argument set to its j-th sibling, typed by the tool's schema as a slot
  of that text is; the model's other calls are dropped. Otherwise the answer is unchanged. Applied
  last, after every other fill.
- *Choice* (specialist.json `sibling_calls`: `{"context": K, "counts": {"1": [gained, lost], ...}}`):
  for K = 1, 2, 3, over the training answers whose calls all name one tool, the expansion of their
  first call is *gained* when it equals the answer (calls compared as exact match does, in any
  order) and the answer has two or more calls, *lost* when the answer is its first call alone and
  the expansion adds calls. The K with the most gained minus lost is listed (ties: the smaller K)
  when that margin is at least `MIN_COUNT`; otherwise the feature is not listed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .cue_values import typed
from .remembered_keys import MIN_COUNT, _property_schema
from .retrieval import query_text
from .slots import is_number_text

FEATURE = "sibling_calls"
CONTEXTS = (1, 2, 3)
_TOKEN = re.compile(r"[A-Za-z0-9_]+|[^ \t\n\r\v\fA-Za-z0-9_]")


def first_occurrence(question: str, text: str) -> int | None:
    """The leftmost occurrence of `text` in `question` (module docstring), or None."""
    at = question.find(text) if text else -1
    while at >= 0:
        before = question[at - 1] if at > 0 else ""
        after = question[at + len(text)] if at + len(text) < len(question) else ""
        if not (before.isascii() and (before.isalnum() or before == ".")) and not (after.isascii() and after.isalnum()):
            return at
        at = question.find(text, at + 1)
    return None


def context(question: str, position: int, size: int) -> tuple[str, ...] | None:
    """The last `size` tokens before `position`, ASCII-lowercased; None when fewer precede it."""
    tokens = _TOKEN.findall(question[:position])
    if len(tokens) < size:
        return None
    return tuple(token.lower() if token.isascii() else token for token in tokens[len(tokens) - size:])


def slot_text(value, candidates: list[str]) -> str | None:
    """The candidate an argument value was copied from (module docstring), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value if value and value in candidates else None
    if isinstance(value, (int, float)):
        return next((text for text in candidates if is_number_text(text) and float(text) == value), None)
    return None


def siblings(question: str, text: str, number: bool, candidates: list[str], held: set[str], size: int) -> list[str]:
    """The candidates the question writes after `text` with the same context (module docstring)."""
    start = first_occurrence(question, text)
    if start is None:
        return []
    wanted = context(question, start, size)
    if wanted is None:
        return []
    found = []
    for candidate in dict.fromkeys(candidates):
        if candidate == text or candidate in held or (number and not is_number_text(candidate)):
            continue
        at = first_occurrence(question, candidate)
        if at is not None and at > start and context(question, at, size) == wanted:
            found.append((at, candidate))
    return [candidate for _, candidate in sorted(found)]


def expand(response: dict, messages: list[dict], candidates: list[str], size: int, tools: list[dict]) -> dict:
    """The response with its one tool's first call repeated once per sibling value set."""
    calls = response.get("tool_calls") or []
    if not calls or len({call.get("name") for call in calls}) != 1:
        return response
    template = calls[0]
    arguments = template.get("arguments") if isinstance(template.get("arguments"), dict) else {}
    question = query_text(messages)
    texts = {key: slot_text(value, candidates) for key, value in arguments.items()}
    held = {text for text in texts.values() if text is not None}
    varying = {}
    for key, text in texts.items():
        if text is not None:
            found = siblings(question, text, not isinstance(arguments[key], str), candidates, held, size)
            if found:
                varying[key] = found
    counts = {len(found) for found in varying.values()}
    if len(counts) != 1:
        return response
    expanded = [template]
    for j in range(counts.pop()):
        expanded.append({**template, "arguments": {
            key: typed(varying[key][j], _property_schema(tools, template.get("name"), key)) if key in varying else value
            for key, value in arguments.items()}})
    return {**response, "tool_calls": expanded}


def choose(examples, candidates_of, tools_of) -> dict:
    """The context size the training answers favour (module docstring): {"context": K or None,
    "counts": {"K": [gained, lost]}}. `candidates_of(example)`: the prompt's slot texts;
    `tools_of(example)`: the request's tools."""
    from .evaluate import response_key  # evaluate.py applies this module's expansion
    counts = {size: [0, 0] for size in CONTEXTS}
    for example in examples:
        calls = example.target.get("tool_calls") or []
        if not calls or len({call.get("name") for call in calls}) != 1:
            continue
        candidates, tools = candidates_of(example), tools_of(example)
        first = {"content": None, "tool_calls": calls[:1]}
        for size in CONTEXTS:
            expanded = expand(first, example.messages, candidates, size, tools)
            if len(expanded["tool_calls"]) == 1:
                continue
            if len(calls) == 1:
                counts[size][1] += 1
            elif response_key(expanded) == response_key(example.target):
                counts[size][0] += 1
    best = max(CONTEXTS, key=lambda size: (counts[size][0] - counts[size][1], -size))
    margin = counts[best][0] - counts[best][1]
    return {"context": best if margin >= MIN_COUNT else None,
            "counts": {str(size): counts[size] for size in CONTEXTS}}


def add_to_specialist(run_dir: Path, cluster_id: str, specialist_dir: Path) -> dict:
    """Chooses the feature for a trained specialist of a request-tools cluster from its training
    answers (no retraining: it changes the restored answer only) and lists it in specialist.json,
    or drops it when nothing qualifies."""
    from .dataset import load_cluster
    from .prompt import render_prompt

    spec_path = specialist_dir / "specialist.json"
    spec = json.loads(spec_path.read_text())
    cluster = load_cluster(run_dir, cluster_id)
    if not cluster.request_tools:
        raise ValueError(f"{run_dir}/{cluster_id}: sibling_calls is for clusters whose requests bring their own tools")
    max_slots = spec["slots"]["max_slots"]
    choice = choose(cluster.splits["train"],
                    lambda e: [s.text for s in render_prompt(e.messages, max_slots, cluster.tools_of(e)).slots.slots],
                    cluster.tools_of)
    features = spec.setdefault("prompt_features", [])
    if choice["context"] is not None:
        spec[FEATURE] = choice
        if FEATURE not in features:
            features.append(FEATURE)
    else:
        spec.pop(FEATURE, None)
        if FEATURE in features:
            features.remove(FEATURE)
    spec_path.write_text(json.dumps(spec, indent=1, ensure_ascii=False) + "\n")
    return choice


if __name__ == "__main__":
    from .feature_cli import main

    main(FEATURE, add_to_specialist)
