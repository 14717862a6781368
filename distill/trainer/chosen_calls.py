"""Prompt feature `chosen_calls`: a tool without arguments that `tool_choice` chooses is called.

`tool_choice` only restricts decoding to the tools it chooses; the scratch model may still leave
one out. On BFCL vehicle "check the tire pressure … point me towards the nearest tire shop" is
chosen `check_tire_pressure` and `find_nearest_tire_shop`, and both seeds answer with
`check_tire_pressure` alone. A tool that takes no arguments has no value to get wrong, so when the
training answers call it whenever the classifier chooses it, the answer can call it too.

The rule (PROMPT_FORMAT.md, "Prompt features"): specialist.json `chosen_calls`:
`{"tools": [{"tool": B, "after": [A, ...]}, ...], "counts": {B: [k, n]}}`. A cluster tool B
whose schema has no properties is listed when `tool_choice`, cross-fitted (FOLDS classifiers, each
fitted without the fold of distinct questions it chooses for, so the share is what a new question
would see, not the fit's memory of its own answers), chooses it for n >= 5 training questions with
calls, n of them distinct (the BFCL variants repeat questions), and k of
those answers, k >= 85% of n, call it (n counts the questions, the last user message as
`retrieval_hint` embeds it). `after`: the tools (cluster order) that, in the training answers
calling both, come first before B's first call in more than half of them. The listing is sorted so
that a listed tool comes after every listed tool of its `after` list (cluster order where nothing
orders two; a cycle is broken at the first in cluster order): the fill inserts in listing order,
and a tool inserted before its predecessor is would land in front of it. *Fill*: after every
answer fill (`named_calls` included), when the answer has calls and `tool_choice` chose the tools
decoding kept to, each listed B (listing order, as the file lists them) that was chosen and that
the answer does not call is inserted with `{}` arguments right after the answer's last call to a
tool of its `after` list; first when the answer calls none of them, so an empty `after` puts B
ahead of everything, a login `named_calls` added first included. The golden files
`chosen_calls.jsonl` (the fill) and `fill_order.jsonl` (after the other fills) pin it for both
engines.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .remembered_keys import MIN_COUNT, MIN_SHARE
from .retrieval import query_text

FEATURE = "chosen_calls"


def bare_tools(tools: list[dict]) -> list[str]:
    """The cluster's tools whose schema has no properties (nothing to fill), in cluster order."""
    return [str(t.get("name")) for t in tools or [] if not ((t.get("parameters") or {}).get("properties"))]


def _first_before(examples, a: str, b: str) -> bool:
    """Whether the training answers calling both tools mostly call `a` first, before `b`."""
    before = both = 0
    for example in examples:
        names = [str(c.get("name")) for c in example.target.get("tool_calls") or []]
        if a != b and a in names and b in names:
            both += 1
            before += names.index(a) < names.index(b)
    return both > 0 and 2 * before > both


def in_fill_order(listed: list[dict]) -> list[dict]:
    """The rules (in cluster order) sorted so that each comes after the listed tools of its
    `after` list: repeatedly the first rule none of whose `after` tools is still to come (the first
    left when every one waits, a cycle)."""
    left, ordered = list(listed), []
    while left:
        waiting = {rule["tool"] for rule in left}
        ready = next((r for r in left if not waiting & (set(r["after"]) - {r["tool"]})), left[0])
        ordered.append(ready)
        left.remove(ready)
    return ordered


# Folds of the cross-fitted choice: in-sample the classifier chooses what each training answer
# called, so every tool it fits clears the share; cross-fitted, on the seven BFCL suites, vehicle's
# two tools still do (30/30, 19/19) and trading's (18/22, 21/26) and message's (12/16) do not
# (MEASUREMENTS.md, session 16, engineer fixchosen).
FOLDS = 5


def cross_fitted(examples, tool_names: list[str], queries) -> dict[int, list[str]]:
    """`tool_choice`'s choice per training example (keyed by id()) by a classifier fitted on the
    other folds; `queries`: the examples' query embeddings, one row each. Folds are dealt by distinct
    question (sorted, round robin), so a question's BFCL variants share one."""
    from .tool_choice import ToolChoice

    queries = np.asarray(queries)
    questions = sorted({query_text(e.messages) for e in examples})
    fold_of = {text: i % FOLDS for i, text in enumerate(questions)}
    folds = [fold_of[query_text(e.messages)] for e in examples]
    chosen = {}
    for k in range(FOLDS):
        rest = [i for i, f in enumerate(folds) if f != k]
        choice = ToolChoice.fit([examples[i] for i in rest], tool_names, queries[rest])
        chosen.update({id(e): choice.chosen(q, e.messages) for e, q, f in zip(examples, queries, folds) if f == k})
    return chosen


def choose(examples, tools: list[dict], chosen_of) -> dict:
    """The argument-less tools the training answers call whenever `chosen_of(example)` (the tools
    `tool_choice` chooses for the example's request) holds them; see the module doc."""
    listed, counts = [], {}
    names = [str(t.get("name")) for t in tools or []]
    answered = [e for e in examples if e.target.get("tool_calls")]
    chosen = [set(chosen_of(e)) for e in answered]
    for tool in bare_tools(tools):
        picked = [e for e, c in zip(answered, chosen) if tool in c]
        called = sum(any(c.get("name") == tool for c in e.target["tool_calls"]) for e in picked)
        questions = {query_text(e.messages) for e in picked}
        counts[tool] = [called, len(picked)]
        if len(picked) >= MIN_COUNT and len(questions) >= MIN_COUNT and called >= MIN_SHARE * len(picked):
            listed.append({"tool": tool, "after": [a for a in names if _first_before(examples, a, tool)]})
    return {"tools": in_fill_order(listed), "counts": {t["tool"]: counts[t["tool"]] for t in listed}}


def fill(response: dict, chosen: list[str] | None, listed: list[dict]) -> dict:
    """The response with each listed tool that `chosen` holds and the answer leaves out inserted
    (`{}` arguments) after the answer's last call to a tool of its `after` list (first when it
    calls none), in `listed` order."""
    calls = list(response.get("tool_calls") or [])
    if not calls or not chosen:
        return response
    for rule in listed:
        tool = rule["tool"]
        if tool not in chosen or any(c.get("name") == tool for c in calls):
            continue
        at = max((i + 1 for i, c in enumerate(calls) if c.get("name") in rule["after"]), default=0)
        calls.insert(at, {"name": tool, "arguments": {}})
    return {**response, "tool_calls": calls}


def add_to_specialist(run_dir: Path, cluster_id: str, specialist_dir: Path) -> dict:
    """Chooses the feature for a trained specialist that lists `tool_choice` from its training
    answers (no retraining: it changes the restored answer only) and lists it in specialist.json,
    or drops it when nothing qualifies."""
    from .dataset import load_cluster
    from .feature_cli import read_specialist, write_listed
    from .retrieval import Embedder
    from .tool_choice import FEATURE as TOOL_CHOICE

    spec = read_specialist(specialist_dir)
    if TOOL_CHOICE not in (spec.get("prompt_features") or []):
        raise ValueError(f"{specialist_dir}/specialist.json: chosen_calls needs prompt feature {TOOL_CHOICE}")
    train = load_cluster(run_dir, cluster_id).splits["train"]
    queries = Embedder().embed([query_text(e.messages) for e in train])
    chosen = cross_fitted(train, [str(t.get("name")) for t in spec["tools"]], queries)
    choice = choose(train, spec["tools"], lambda e: chosen[id(e)])
    write_listed(specialist_dir, spec, FEATURE, choice if choice["tools"] else None)
    return choice


if __name__ == "__main__":
    from .feature_cli import main

    main(FEATURE, add_to_specialist)
