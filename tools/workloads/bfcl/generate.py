#!/usr/bin/env python3
"""Generates the BFCL agent-fleet workload.

    .venv/bin/python tools/workloads/bfcl/generate.py --out out/bfcl            # ~2,900 requests
    .venv/bin/python tools/workloads/bfcl/generate.py --out out/bfcl --quick    # a few hundred, for CI

Writes into --out: requests.jsonl (what drive.py sends, in send order, with expected answers),
script.jsonl (for `understudy mock-upstream --script`), labels.jsonl (ground-truth agent/task per
request, keyed by the SHA-256 of the exact request body bytes) and summary.json. See README.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bfcl_fleet.agents import AGENTS, MULTI_TURN_VARIANTS  # noqa: E402
from bfcl_fleet.workload import DEFAULT_VARIANTS, Settings, build  # noqa: E402

QUICK_CONVERSATIONS = 120


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, type=Path, help="output directory (created if missing)")
    parser.add_argument("--conversations", type=int, default=None,
                        help="BFCL entries to use in all, sampled across categories (default: all)")
    parser.add_argument("--quick", action="store_true",
                        help=f"small workload for CI: --conversations {QUICK_CONVERSATIONS} unless given")
    parser.add_argument("--seed", type=int, default=7, help="sampling, send order, streaming and call ids")
    parser.add_argument("--model", default="gpt-4o-mini", help="model name put into every request")
    parser.add_argument("--variants", default=",".join(DEFAULT_VARIANTS),
                        help=f"multi-turn categories, comma-separated, from {','.join(MULTI_TURN_VARIANTS)}")
    parser.add_argument("--stream-share", type=float, default=0.3, help="share of requests sent with stream=true")
    parser.add_argument("--anthropic-agents", default="",
                        help="comma-separated agents that use the Anthropic Messages API instead of OpenAI "
                             "(e.g. ticket,posting; default none)")
    parser.add_argument("--anthropic-model", default="claude-3-5-haiku-latest",
                        help="model name for the --anthropic-agents")
    args = parser.parse_args(argv)
    if args.quick and args.conversations is None:
        args.conversations = QUICK_CONVERSATIONS
    if args.conversations is not None and args.conversations < 1:
        parser.error("--conversations must be at least 1")
    if not 0.0 <= args.stream_share <= 1.0:
        parser.error("--stream-share must be between 0 and 1")
    args.anthropic_agents = tuple(a.strip() for a in args.anthropic_agents.split(",") if a.strip())
    unknown_agents = [a for a in args.anthropic_agents if a not in AGENTS]
    if unknown_agents:
        parser.error(f"unknown --anthropic-agents {unknown_agents}; choose from {list(AGENTS)}")
    args.variants = tuple(v.strip() for v in args.variants.split(",") if v.strip())
    unknown = [v for v in args.variants if v not in MULTI_TURN_VARIANTS]
    if unknown:
        parser.error(f"unknown --variants {unknown}; choose from {list(MULTI_TURN_VARIANTS)}")
    return args


def write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = Settings(seed=args.seed, model=args.model, conversations=args.conversations,
                        variants=args.variants, stream_share=args.stream_share,
                        anthropic_agents=args.anthropic_agents, anthropic_model=args.anthropic_model)
    workload = build(settings)
    args.out.mkdir(parents=True, exist_ok=True)
    write_jsonl(args.out / "requests.jsonl", workload.requests)
    write_jsonl(args.out / "script.jsonl", workload.script)
    write_jsonl(args.out / "labels.jsonl", workload.labels)
    (args.out / "summary.json").write_text(json.dumps(workload.summary, indent=2) + "\n", encoding="utf-8")
    print_summary(workload.summary, args.out)
    return 0


def print_summary(summary: dict, out: Path) -> None:
    print(f"{'agent':<12} {'api':<17} {'convs':>6} {'requests':>9} {'streamed':>9} {'calls':>6} {'text':>5} "
          f"{'avg bytes':>10}")
    for name, s in summary["agents"].items():
        print(f"{name:<12} {s['api']:<17} {s['conversations']:>6} {s['requests']:>9} {s['streamed']:>9} "
              f"{s['tool_call_answers']:>6} {s['text_answers']:>5} {s['mean_body_bytes']:>10}")
    print(f"{'total':<12} {'':<17} {summary['conversations']:>6} {summary['requests']:>9} {summary['streamed']:>9}")
    print(f"script entries: {summary['script_entries']} ({summary['script_entries_with_contains']} with contains); "
          f"left out as ambiguous: {', '.join(summary['excluded_bfcl_entries']) or 'none'}")
    print(f"wrote {out}/requests.jsonl, script.jsonl, labels.jsonl, summary.json")


if __name__ == "__main__":
    sys.exit(main())
