"""Upstream faults at volume: mock-upstream plays resets, stalls, malformed SSE, 500s and
trickles on 80% of the requests; tools/e2e/fault_clients.py load sends them through `record`
and samples the recorder's RSS after warm-up and at the end. Every request must be archived."""
import json
import subprocess
import sys
from pathlib import Path

from reliability_common import ROOT, Processes, binary

VENV_PYTHON = ROOT / ".venv/bin/python"  # has the openai/anthropic SDKs fault_clients.py imports
FAULTS = ["reset-mid-stream", "stall", "malformed-sse", "status:500", "trickle"]


def run(work: Path, requests=400, concurrency=16, log=print):
    arguments = [x for fault in FAULTS for x in ("--fault", fault)] + ["--fault-rate", "0.8", "--trickle-ms", "0"]
    processes = Processes(work / "procs", mock_args=arguments)
    try:
        out = work / "capture"
        recorder = processes.start_recorder(out)
        driver = subprocess.run(
            [str(VENV_PYTHON if VENV_PYTHON.exists() else sys.executable), str(ROOT / "tools/e2e/fault_clients.py"), "load",
             f"http://127.0.0.1:{processes.port}", str(recorder.pid), str(requests), str(concurrency)],
            capture_output=True, text=True, timeout=1200)
        if driver.returncode != 0:
            return {"error": driver.stderr[-800:]}
        report = json.loads(driver.stdout)
        processes.kill_recorder(15)
        stats = subprocess.run([binary(), "archive", "stats", str(out), "--json"], capture_output=True, text=True)
        rss = report["rss_kb"]
        return {
            "requests": requests, "client_outcomes": report["outcomes"], "seconds": report["seconds"],
            "recorded": json.loads(stats.stdout).get("records"),
            "rss_warm_mib": round(rss[1] / 1024, 1), "rss_end_mib": round(rss[2] / 1024, 1),
            "rss_growth_after_warm_pct": round((rss[2] - rss[1]) / rss[1] * 100, 1),
        }
    finally:
        processes.close()
