#!/usr/bin/env python3
"""Summary of a `tools/demo` run, and the report screenshot for the README.

    tools/demo-summary.py --out demo-out                # prints the summary
    tools/demo-summary.py --out demo-out --screenshot   # renders report/index.html to PNG

Reads what the demo's steps wrote: archive stats, clusters.json, report.json, the drivers'
reports. Missing pieces are named, never guessed.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def last_json_line(path):
    """The demo captures each step's --json output in its log; the JSON is the last line."""
    try:
        with open(path) as f:
            for line in reversed(f.read().splitlines()):
                line = line.strip()
                if line.startswith("{"):
                    return json.loads(line)
    except (OSError, ValueError):
        pass
    return None


def step_times(out, file="steps.tsv", column=1):
    """Seconds per step (column 1: wall, 2: CPU) from the demo's steps.tsv, or CPU seconds per
    server from servers.tsv; the per-cluster training steps are added up."""
    steps = {}
    try:
        with open(os.path.join(out, file)) as f:
            for line in f:
                fields = line.rstrip("\n").split("\t")
                name = "train" if fields[0].startswith("train-") else fields[0]
                steps[name] = steps.get(name, 0) + int(fields[column])
    except (OSError, ValueError, IndexError):
        pass
    return steps


def pct(x):
    return "n/a" if x is None else f"{100 * x:.1f}%"


def summary(out):
    run = os.path.join(out, "runs", "demo")
    stats = last_json_line(os.path.join(out, "logs", "archive-stats.log")) or {}
    clusters = load(os.path.join(run, "clusters.json")) or {}
    report = load(os.path.join(run, "report", "report.json")) or {}
    recorded = (load(os.path.join(out, "drive-record.json")) or {}).get("summary") or {}
    served = (load(os.path.join(out, "drive-serve.json")) or {}).get("summary") or {}
    routes = served.get("routes") or {}
    total = sum(routes.values()) if routes else None
    by_specialist = sum(v for k, v in routes.items() if k.startswith("specialist")) if routes else None
    overall = report.get("overall") or {}
    savings = report.get("savings") or {}
    rows = [
        ("exchanges recorded", stats.get("records")),
        ("requests sent (pass one)", recorded.get("requests")),
        ("clusters (tasks)", len(clusters.get("clusters", [])) if clusters else None),
        ("traffic left as noise", pct((clusters.get("noise") or {}).get("traffic_share"))),
        ("coverage at <= 1% error", pct(overall.get("coverage"))),
        ("error at that threshold", pct(overall.get("error"))),
        ("served by specialists (pass two)",
         pct(by_specialist / total) if total else "n/a (no routes reported)"),
        ("agreement with recorded answers (pass two)", pct(served.get("agreement"))),
        ("estimated savings on replayed traffic",
         f"${savings['net']:.4f} of ${savings['recorded_cost']:.4f}" if savings.get("net") is not None else "n/a"),
        ("HTML report", os.path.join(run, "report", "index.html")),
    ]
    for label, times in (("seconds per step", step_times(out)),
                         ("CPU seconds per step", step_times(out, column=2)),
                         ("CPU seconds of the servers", step_times(out, "servers.tsv"))):
        if times:
            rows.append((label, ", ".join(f"{name} {seconds}" for name, seconds in times.items())))
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"  {key:<{width}}  {'n/a' if value is None else value}")


def screenshot(out):
    page = os.path.join(out, "runs", "demo", "report", "index.html")
    if not os.path.exists(page):
        sys.exit(f"no report at {page}")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        sys.exit("chromium is not installed (tools/setup installs it)")
    png = os.path.join(out, "report.png")
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--window-size=1280,1600", f"--screenshot={png}", "file://" + os.path.abspath(page)],
                   check=True, capture_output=True, timeout=120)
    print(png)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--screenshot", action="store_true")
    args = parser.parse_args()
    screenshot(args.out) if args.screenshot else summary(args.out)


if __name__ == "__main__":
    main()
