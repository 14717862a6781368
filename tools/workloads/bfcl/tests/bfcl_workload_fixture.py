"""Loads the generate.py / drive.py scripts under unique module names, and builds test workloads.

The scripts are loaded by path as `bfcl_generate` and `bfcl_drive` so that other suites' modules
named `generate` or `drive` cannot collide with them in one pytest run.
"""

import importlib.util
import json
from pathlib import Path

BFCL_DIR = Path(__file__).resolve().parent.parent


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bfcl_{name}", BFCL_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = _load("generate")
drive = _load("drive")


def quick_workload(out: Path) -> dict:
    return workload(out, ["--quick"])


def workload(out: Path, argv: list[str]) -> dict:
    assert generate.main(["--out", str(out), *argv]) == 0
    read = lambda name: [json.loads(line) for line in (out / name).read_text().splitlines()]  # noqa: E731
    return {"dir": out, "requests": read("requests.jsonl"), "script": read("script.jsonl"),
            "labels": read("labels.jsonl"), "summary": json.loads((out / "summary.json").read_text())}
