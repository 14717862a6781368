"""Load and soak: CLIENTS concurrent streaming clients (asyncio, keep-alive connections, a think
time between calls) for MINUTES through `record` or `serve`, after a short direct-to-mock phase
for the latency baseline. Reports throughput, latency p50/p99 direct and through the proxy (the
difference is the added latency), RSS after warm-up (the first fifth) and at the end, and lost
records (responses the clients got in full that the archive lacks)."""
import asyncio
import importlib.util
import json
import random
import subprocess
import time
from pathlib import Path

from reliability_common import ROOT, Processes, binary, percentile, rss_kb

BODY = json.dumps({"model": "gpt-4o-mini", "stream": True,
                   "messages": [{"role": "user", "content": "[soak] tell me something"}]}).encode()
REQUEST = (b"POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
           b"authorization: Bearer sk-soak-0123456789\r\ncontent-length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY)


async def read_chunked(reader):
    """Reads one chunked (or content-length) response; returns its status."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split()[1])
    length, chunked = None, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
        elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length is not None:
        await reader.readexactly(length)
    return status


async def client(port, until, think_s, latencies, counts):
    reader = writer = None
    while time.monotonic() < until:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            started = time.monotonic()
            writer.write(REQUEST)
            status = await asyncio.wait_for(read_chunked(reader), 30)
            latencies.append(time.monotonic() - started)
            key = "ok" if status == 200 else f"status {status}"
            counts[key] = counts.get(key, 0) + 1
        except Exception as error:
            counts[type(error).__name__] = counts.get(type(error).__name__, 0) + 1
            if writer is not None:
                writer.close()
            reader = writer = None
        await asyncio.sleep(think_s * random.uniform(0.5, 1.5))
    if writer is not None:
        writer.close()


async def drive(port, clients, seconds, think_s, on_tick=None):
    latencies, counts = [], {}
    until = time.monotonic() + seconds
    tasks = [asyncio.create_task(client(port, until, think_s, latencies, counts)) for _ in range(clients)]
    while not all(task.done() for task in tasks):
        await asyncio.sleep(1)
        if on_tick:
            on_tick()
    return latencies, counts


def serve_run(work: Path):
    """A minimal distillation run for `serve` (one cluster), written by the serve e2e fixture."""
    spec = importlib.util.spec_from_file_location(
        "serve_scenario", ROOT / "Tests/UnderstudyRouterTests/Fixtures/serve_scenario.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write_run(str(work))


def archive_count(out: Path):
    stats = subprocess.run([binary(), "archive", "stats", str(out), "--json"], capture_output=True, text=True, timeout=600)
    try:
        return json.loads(stats.stdout).get("records")
    except (ValueError, AttributeError):
        return None


def run(work: Path, target="record", minutes=10.0, clients=1000, think_ms=1000, baseline_s=20, log=print):
    # 12 events at 120 tokens/s: each stream lasts ~0.2 s, like a short real answer.
    processes = Processes(work / f"procs-{target}", mock_args=["--tokens-per-second", "120"], threads=2)
    results = {"target": target, "clients": clients, "minutes": minutes}
    try:
        direct, direct_counts = asyncio.run(drive(processes.mock_port, min(clients, 200), baseline_s, think_ms / 1000))
        results["direct_requests"] = len(direct)
        results["direct_p50_ms"] = round(percentile(direct, 50) * 1000, 1)
        results["direct_p99_ms"] = round(percentile(direct, 99) * 1000, 1)
        out = work / f"capture-{target}"
        if target == "serve":
            run_dir = serve_run(work / "serve-run")
            process = processes.start_recorder(out, command=(
                "serve", "--run", run_dir, "--policy", "off",
                "--target", f"http://127.0.0.1:{processes.mock_port}/v1"))
        else:
            process = processes.start_recorder(out)
        seconds = minutes * 60
        warm_at = time.monotonic() + seconds / 5
        samples = []

        def tick():
            samples.append((time.monotonic() >= warm_at, rss_kb(process.pid)))

        latencies, counts = asyncio.run(drive(processes.port, clients, seconds, think_ms / 1000, tick))
        warm = [rss for after, rss in samples if after]
        results["requests"] = len(latencies)
        results["outcomes"] = counts
        results["throughput_rps"] = round(len(latencies) / seconds, 1)
        results["p50_ms"] = round(percentile(latencies, 50) * 1000, 1)
        results["p99_ms"] = round(percentile(latencies, 99) * 1000, 1)
        results["added_p50_ms"] = round(results["p50_ms"] - results["direct_p50_ms"], 1)
        results["added_p99_ms"] = round(results["p99_ms"] - results["direct_p99_ms"], 1)
        if warm:
            results["rss_warm_mib"] = round(warm[0] / 1024, 1)
            results["rss_end_mib"] = round(warm[-1] / 1024, 1)
            results["rss_max_after_warm_mib"] = round(max(warm) / 1024, 1)
            results["rss_growth_after_warm_pct"] = round((warm[-1] - warm[0]) / warm[0] * 100, 1)
        processes.kill_recorder(15)
        recorded = archive_count(out)
        results["recorded"] = recorded
        results["lost_records"] = None if recorded is None else max(0, counts.get("ok", 0) - recorded)
    finally:
        processes.close()
    return results
