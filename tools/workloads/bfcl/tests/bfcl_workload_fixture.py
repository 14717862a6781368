"""Generates workloads once per test session (shared by the workload and driver tests)."""

import json
from pathlib import Path

import generate


def quick_workload(out: Path) -> dict:
    return workload(out, ["--quick"])


def workload(out: Path, argv: list[str]) -> dict:
    assert generate.main(["--out", str(out), *argv]) == 0
    read = lambda name: [json.loads(line) for line in (out / name).read_text().splitlines()]  # noqa: E731
    return {"dir": out, "requests": read("requests.jsonl"), "script": read("script.jsonl"),
            "labels": read("labels.jsonl"), "summary": json.loads((out / "summary.json").read_text())}
