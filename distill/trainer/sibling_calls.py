"""Prompt feature `sibling_calls`: a one-tool answer gets one call per value set the question writes
in the same words.

A parallel request ("the final velocity of an object accelerated at a rate of 5 m/s^2 over a
distance of 100 meters, and of one accelerated at a rate of 10 m/s^2 over a distance of 200
meters") wants one call per value set. The scratch specialist of the BFCL generic agent writes
several calls with shuffled values, or one call and stops (parallel 0/21 and 1/21 in-request held
out, seeds 0 and 1). The question itself says which values go together: the values of one argument
stand after the same words ("rate of 5" / "rate of 10", "distance of 100" / "distance of 200",
"genotype (AA)" / "genotype (Aa)"). How many words of context mark them is learnt from the
training answers.

The rule (PROMPT_FORMAT.md, "Prompt features"):
- *Question*: the last user message's content. *Candidates*: the prompt's slot texts (every entry
  of the slot table: the messages' values, enum values) but a name-only slot (a listed tool's name
  or parameter name that is no value: the grammar never lets a value copy it) and an exponent slot
  (unit_exponents.py: a number the user text writes only after `^`, listed or not). An
  *occurrence* of a text in the question is a match whose preceding character is no ASCII letter,
  digit or `.` and whose following characters are no ASCII letter or digit and no `.` then a digit
  (unit_exponents' rule, and the `5` of `5.5` is no occurrence); the *first occurrence* is the leftmost. The *tokens* of a text are its runs of
  `[A-Za-z0-9_]` and its other characters that are not ASCII whitespace, one token each; the
  *context* of a position is the last K tokens of the question before it, ASCII-lowercased (none
  when fewer than K tokens precede it).
- A call argument's *slot text*: for a non-empty string, the candidate equal to it; for a number
  (not a boolean), the first candidate that is a number text (`-?[0-9]+(\\.[0-9]+)?`) of the same
  value; none otherwise. Its *value group*: its slot text and the other candidates whose first
  occurrence has the same context as the slot text's first occurrence, number texts only for a
  number, none that another argument of the call was copied from; ordered by first occurrence,
  ties by code points; empty when no other candidate qualifies.
- *Expansion*: when every call of the restored answer names one tool (at least one call), the
  *template* is the call with the most arguments that have a slot text (the earliest of a tie);
  its arguments with a value group vary. When some vary, all their groups hold the same number N
  of texts, N is larger than the number of distinct calls of the answer (a model that wrote as
  many calls as the question has value sets keeps them: expanding a right answer of two calls
  can only spoil it) and, with prompt feature `call_limit`, N is at most the question's limit,
  the answer's calls become N calls, call j the template with each varying argument set to the
  j-th text of its group, typed by the tool's schema as a slot of that text is (the model's calls
  are replaced). Otherwise the answer is unchanged. Applied last, after every other fill (with
  `clause_calls`, once, on the merged answer against the whole question).
- *Choice* (specialist.json `sibling_calls`: `{"context": K, "counts": {"1": [gained, lost], ...}}`):
  for K = 1, 2, 3, over the training answers whose calls all name one tool, the candidates taken
  from the prompt as decoding renders it: the expansion of an answer's first call alone is
  *gained* when it equals the answer (calls compared as exact match does, in any order) and the
  answer has two or more calls; the answer is *lost* when its own expansion differs from it. The
  K with the most gained minus lost is listed (ties: the smaller K) when that margin is at least
  `MIN_COUNT`; otherwise the feature is not listed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .call_limit import FEATURE as CALL_LIMIT, limit as call_limit
from .cue_values import typed
from .remembered_keys import MIN_COUNT, _property_schema
from .retrieval import query_text
from .slots import SlotTable, is_number_text
from .unit_exponents import exponent_slots, user_text

FEATURE = "sibling_calls"
CONTEXTS = (1, 2, 3)
_TOKEN = re.compile(r"[A-Za-z0-9_]+|[^ \t\n\r\v\fA-Za-z0-9_]")


def first_occurrence(question: str, text: str) -> int | None:
    """The leftmost occurrence of `text` in `question` (module docstring), or None: unit_exponents'
    occurrence, and no `.` then a digit after it."""
    found = re.search(r"(?<![0-9A-Za-z.])" + re.escape(text) + r"(?![0-9A-Za-z]|\.[0-9])", question) if text else None
    return found.start() if found else None


def candidates(table: SlotTable, messages: list[dict]) -> list[str]:
    """The slot texts an argument value may be copied from: every slot's but the name-only ones and
    the exponent slots (unit_exponents.py)."""
    banned = set(exponent_slots(table, user_text(messages)))
    return [slot.text for index, slot in enumerate(table.slots) if index not in banned and not table.name_only(index)]


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
        # float on both sides, as the Swift engine's Double compares (ints above 2^53 round alike)
        return next((text for text in candidates if is_number_text(text) and float(text) == float(value)), None)
    return None


def value_group(question: str, text: str, number: bool, candidates: list[str], held: set[str],
                size: int) -> list[str]:
    """`text` and the candidates the question writes with the same context, by first occurrence
    (module docstring); empty when none but `text` has that context."""
    start = first_occurrence(question, text)
    if start is None:
        return []
    wanted = context(question, start, size)
    if wanted is None:
        return []
    found = [(start, text)]
    for candidate in dict.fromkeys(candidates):
        if candidate == text or candidate in held or (number and not is_number_text(candidate)):
            continue
        at = first_occurrence(question, candidate)
        if at is not None and context(question, at, size) == wanted:
            found.append((at, candidate))
    return [candidate for _, candidate in sorted(found)] if len(found) > 1 else []


def expand(response: dict, messages: list[dict], candidates: list[str], size: int, tools: list[dict],
           limit: bool = False) -> dict:
    """The response with its one tool's calls replaced by one call per value set of the question;
    `limit`: prompt feature `call_limit` (no more calls than the question's limit)."""
    calls = response.get("tool_calls") or []
    if not calls or len({call.get("name") for call in calls}) != 1:
        return response

    def copied(call: dict) -> tuple[dict, dict]:
        arguments = call.get("arguments") if isinstance(call.get("arguments"), dict) else {}
        return arguments, {key: slot_text(value, candidates) for key, value in arguments.items()}

    # the template: the call with the most arguments copied from a slot (the earliest of a tie)
    template = max(calls, key=lambda call: sum(text is not None for text in copied(call)[1].values()))
    arguments, texts = copied(template)
    question = query_text(messages)
    varying = {}
    for key, text in texts.items():
        if text is not None:
            held = {other for name, other in texts.items() if other is not None and name != key}
            group = value_group(question, text, not isinstance(arguments[key], str), candidates, held, size)
            if group:
                varying[key] = group
    counts = {len(group) for group in varying.values()}
    if len(counts) != 1:
        return response
    count = counts.pop()
    written = []  # the distinct calls (dict equality: key order aside, numbers by value)
    for call in calls:
        if call not in written:
            written.append(call)
    allowed = call_limit(question) if limit else None
    if count <= len(written) or (allowed is not None and count > allowed):
        return response
    expanded = [{**template, "arguments": {
        key: typed(varying[key][j], _property_schema(tools, template.get("name"), key)) if key in varying else value
        for key, value in arguments.items()}} for j in range(count)]
    return {**response, "tool_calls": expanded}


def choose(examples, candidates_of, tools_of, limit: bool = False) -> dict:
    """The context size the training answers favour (module docstring): {"context": K or None,
    "counts": {"K": [gained, lost]}}. `candidates_of(example)`: its prompt's candidates
    (`training_candidates`); `tools_of(example)`: the request's tools; `limit`: prompt feature
    `call_limit`."""
    from .evaluate import response_key  # evaluate.py applies this module's expansion
    counts = {size: [0, 0] for size in CONTEXTS}
    for example in examples:
        calls = example.target.get("tool_calls") or []
        if not calls or len({call.get("name") for call in calls}) != 1:
            continue
        candidates, tools = candidates_of(example), tools_of(example)
        first, target = {"content": None, "tool_calls": calls[:1]}, {"content": None, "tool_calls": calls}
        for size in CONTEXTS:
            # a right answer the expansion changes is lost, whatever its number of calls
            if response_key(expand(target, example.messages, candidates, size, tools, limit)) != response_key(target):
                counts[size][1] += 1
            expanded = expand(first, example.messages, candidates, size, tools, limit)
            if len(calls) > 1 and expanded != first and response_key(expanded) == response_key(target):
                counts[size][0] += 1
    best = max(CONTEXTS, key=lambda size: (counts[size][0] - counts[size][1], -size))
    margin = counts[best][0] - counts[best][1]
    return {"context": best if margin >= MIN_COUNT else None,
            "counts": {str(size): counts[size] for size in CONTEXTS}}


def training_candidates(cluster, max_slots: int, features) -> callable:
    """`candidates_of(example)` for `choose`: the candidates of the example's prompt rendered as
    decoding renders it (build_features: `question_spans`, `tag_slots`), for a specialist that
    lists `features`."""
    from .prompt import render_prompt
    from .spans import FEATURE as QUESTION_SPANS
    from .tag_slots import FEATURE as TAG_SLOTS

    def candidates_of(example) -> list[str]:
        prompt = render_prompt(example.messages, max_slots, cluster.tools_of(example), QUESTION_SPANS in features,
                               TAG_SLOTS in features)
        return candidates(prompt.slots, example.messages)
    return candidates_of


def add_to_specialist(run_dir: Path, cluster_id: str, specialist_dir: Path) -> dict:
    """Chooses the feature for a trained specialist of a request-tools cluster from its training
    answers (no retraining: it changes the restored answer only) and lists it in specialist.json,
    or drops it when nothing qualifies."""
    from .dataset import load_cluster
    from .feature_cli import read_specialist, write_listed

    spec = read_specialist(specialist_dir)
    cluster = load_cluster(run_dir, cluster_id)
    if not cluster.request_tools:
        raise ValueError(f"{run_dir}/{cluster_id}: sibling_calls is for clusters whose requests bring their own tools")
    features = spec.get("prompt_features") or []
    choice = choose(cluster.splits["train"], training_candidates(cluster, spec["slots"]["max_slots"], features),
                    cluster.tools_of, CALL_LIMIT in features)
    write_listed(specialist_dir, spec, FEATURE, choice if choice["context"] is not None else None)
    return choice


if __name__ == "__main__":
    from .feature_cli import main

    main(FEATURE, add_to_specialist)
