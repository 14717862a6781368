"""Why a request-tools specialist misses the held-out answers it could get: the misses inside the
*ceiling* (tool-call answers built from the request whose every argument value is a slot of the
prompt and that carry no optional argument: what slot copying with `optional_arguments` `omit` can
write), each given one cause.

    python -m distill.trainer.misses --specialist SPECIALIST --split RUN/clusters/generic/test.jsonl \
        --bench BENCH.json [--show]

BENCH.json is the output of `inference-bench exact SPECIALIST SPLIT N` (its `texts` and `hits`, one
per line of the split; the Swift texts are what replay serves) or any JSON with those two lists;
SPECIALIST's specialist.json gives the slot table's size (`slots.max_slots`).
Causes, the first that applies: `unparsable`; `text instead of calls`; `wrong tool` (the called
tool names differ as sets); `call left out` / `call added` (the same tools, fewer or more calls in
all); `wrong tool mix` (the same tools and as many calls, but another count per tool);
`key left out or added` (a call's argument keys are no expected call's); `wrong value` (the same
calls and keys, an argument's value differs: a wrong slot, a literal where a slot was due, an array).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from .evaluate import response_key
from .optional import omit_optional
from .population import answer_leaves, built_from_request
from .prompt import parse_response, render_prompt
from .slots import restore_response


def in_ceiling(row: dict, table) -> bool:
    """Whether slot copying with optional arguments omitted can write the row's answer."""
    target, tools = row["target"], row.get("tools") or []
    if not built_from_request(target, row["messages"], tools, table):
        return False
    required = {t.get("name"): set((t.get("parameters") or {}).get("required") or []) for t in tools}
    if any(set(c.get("arguments") or {}) - required.get(c.get("name"), set()) for c in target["tool_calls"]):
        return False
    return all(isinstance(v, bool) or v is None or table.find(v) is not None for v in answer_leaves(target))


def cause(expected: list[dict], got: dict | None) -> str:
    """Why `got` (the restored answer, optional arguments omitted) is not the expected calls."""
    if got is None:
        return "unparsable"
    calls = got.get("tool_calls") or []
    if not calls:
        return "text instead of calls"
    want, have = Counter(c["name"] for c in expected), Counter(c.get("name") for c in calls)
    if set(want) != set(have):
        return "wrong tool"
    if want != have:
        wanted, written = sum(want.values()), sum(have.values())
        if written == wanted:
            return "wrong tool mix"
        return "call left out" if written < wanted else "call added"
    keys = {tuple(sorted(c.get("arguments") or {})) for c in expected}
    if any(tuple(sorted(c.get("arguments") or {})) not in keys for c in calls):
        return "key left out or added"
    return "wrong value"


def classify(rows: list[dict], texts: list[str], hits: list[bool], max_slots: int) -> list[dict]:
    """One record per ceiling answer of the rows: conversation, right, cause (None when right)."""
    records = []
    for row, text, hit in zip(rows, texts, hits):
        tools = row.get("tools") or []
        table = render_prompt(row["messages"], max_slots, tools).slots
        if not row["target"].get("tool_calls") or not in_ceiling(row, table):
            continue
        try:
            got = omit_optional(restore_response(parse_response(text), table, tools), tools)
        except (ValueError, IndexError, KeyError):
            got = None
        right = bool(hit) or (got is not None and response_key(got) == response_key(row["target"]))
        records.append({"conversation": row.get("conversation"), "right": right, "text": text,
                        "cause": None if right else cause(row["target"]["tool_calls"], got),
                        "slots": [s.text for s in table.slots], "expected": row["target"]["tool_calls"]})
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--specialist", type=Path, required=True, help="the specialist directory benched")
    parser.add_argument("--split", type=Path, required=True)
    parser.add_argument("--bench", type=Path, required=True)
    parser.add_argument("--show", action="store_true", help="print every miss: slots, expected, written")
    args = parser.parse_args()
    bench = json.loads(args.bench.read_text())
    rows = [json.loads(line) for line in args.split.read_text().splitlines()][: len(bench["texts"])]
    max_slots = json.loads((args.specialist / "specialist.json").read_text())["slots"]["max_slots"]
    records = classify(rows, bench["texts"], bench["hits"], max_slots)
    for record in records:
        if args.show and not record["right"]:
            print(f"== {record['conversation']} | {record['cause']}\n  slots: {record['slots']}\n"
                  f"  want: {json.dumps(record['expected'])}\n  text: {record['text']}")
    print(f"ceiling {len(records)}, right {sum(r['right'] for r in records)}")
    for name, count in Counter(r["cause"] for r in records if not r["right"]).most_common():
        print(f"{count:4d} {name}")


if __name__ == "__main__":
    main()
