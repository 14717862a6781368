#!/usr/bin/env python3
"""Replays a BFCL workload against an OpenAI-compatible base URL, like the agent fleet would.

    .venv/bin/python tools/workloads/bfcl/drive.py --base-url http://127.0.0.1:8080 \\
        --requests out/bfcl/requests.jsonl --concurrency 16 --report out/bfcl/drive.json

Conversations run in parallel (--concurrency of them at a time), the turns of one conversation
in order. Each request goes through the official openai SDK. Prints a summary (requests, errors,
agreement with the expected answers, latency p50/p99) and writes a JSON report with one result
per request (latency, agreement, error, the x-understudy-route response header).
Exit status: 0 when it ran; 1 when --strict and something failed or disagreed, or when the
requests file cannot be read; 2 for bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bfcl_fleet.driver import DriveConfiguration, drive  # noqa: E402
from bfcl_fleet.report import by_agent, render, summarize  # noqa: E402

REPORT_FORMAT = 1


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8080 (/v1 is added if missing)")
    parser.add_argument("--requests", required=True, type=Path, help="requests.jsonl written by generate.py")
    parser.add_argument("--report", required=True, type=Path, help="where to write the JSON report")
    parser.add_argument("--concurrency", type=int, default=16, help="conversations in flight at once")
    parser.add_argument("--rate", type=float, default=None, help="requests per second in all (default: unpaced)")
    parser.add_argument("--limit", type=int, default=None, help="send only the first N requests of the file")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    parser.add_argument("--api-key", default="sk-test-workload", help="API key the SDK sends (never a real one)")
    parser.add_argument("--progress", type=float, default=0.0, metavar="SECONDS",
                        help="print a progress line to stderr every SECONDS (default: quiet)")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 if any request failed, disagreed, or was sent with unexpected bytes")
    args = parser.parse_args(argv)
    if args.concurrency < 1:
        parser.error("--concurrency must be at least 1")
    if args.rate is not None and args.rate <= 0:
        parser.error("--rate must be positive")
    if args.progress < 0:
        parser.error("--progress must not be negative")
    if args.limit is not None and args.limit < 0:
        parser.error("--limit must not be negative")
    return args


def load_requests(path: Path, limit: int | None) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if limit is not None and len(rows) >= limit:
                break
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not JSON ({error.msg})") from None
    return rows


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        requests = load_requests(args.requests, args.limit)
    except (OSError, ValueError) as error:
        print(f"drive: cannot read requests: {error}", file=sys.stderr)
        return 1
    config = DriveConfiguration(base_url=args.base_url, concurrency=args.concurrency, rate=args.rate,
                                timeout=args.timeout, api_key=args.api_key, progress_every=args.progress)
    started = time.time()
    clock = time.perf_counter()
    results = drive(requests, config)
    wall_s = time.perf_counter() - clock
    summary = summarize(results)
    agents = by_agent(results)
    report = {"format": REPORT_FORMAT, "base_url": args.base_url, "requests_file": str(args.requests),
              "concurrency": args.concurrency, "rate": args.rate, "started_unix": started, "wall_s": wall_s,
              "throughput_rps": len(results) / wall_s if wall_s > 0 else None,
              "summary": summary, "agents": agents, "results": results}
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(render(summary, agents, wall_s))
    print(f"report: {args.report}")
    failed = summary["errors"] or summary["agree"] != summary["requests"] or summary["body_sha256_mismatches"]
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
