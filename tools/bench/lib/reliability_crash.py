"""Crash safety: kill -9 `understudy record` at a random moment under load, N times. After each
kill the archive must pass `archive verify` (after `archive repair` where verify fails), and
every exchange whose response finished more than one flush interval before the kill must be in
it (the load threads log when each response finished)."""
import json
import random
import subprocess
import threading
import time
from pathlib import Path

from reliability_common import Processes, archive_texts, binary, chat_request


def load_until(stop, port, prefix, finished, concurrency):
    """`concurrency` threads sending requests (every other one streamed) until `stop` is set;
    `finished` gets (marker, monotonic end) for every response read in full with status 200."""
    lock = threading.Lock()

    def worker(index):
        n = 0
        while not stop.is_set():
            marker = f"{prefix}-{index}-{n}"
            status, _, end = chat_request(port, marker, stream=n % 2 == 0, timeout=5)
            if status == 200:
                with lock:
                    finished.append((marker, end))
            n += 1

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    return threads


def wait_until_one_is_due(finished, grace_ms, limit_s=30.0):
    """Hold the kill until some response finished more than the grace ago: on a loaded machine the
    first responses can come late, and a kill before any is due would check nothing."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if finished and finished[0][1] < time.monotonic() - grace_ms / 1000:  # the first is the oldest
            return
        time.sleep(0.05)


def verify(out: Path):
    run = subprocess.run([binary(), "archive", "verify", str(out), "--json"], capture_output=True, text=True, timeout=300)
    return run.returncode == 0, run.stdout + run.stderr


def run(work: Path, kills=50, concurrency=8, min_s=0.5, max_s=3.0, grace_ms=200.0, seed=None, log=print):
    random.seed(seed)
    processes = Processes(work / "procs")
    results = {"kills": 0, "verify_ok": 0, "repaired": 0, "verify_failed": 0, "checked": 0, "lost": 0,
               "max_lost_age_ms": 0.0, "lost_markers": [], "requests_finished": 0}
    try:
        for iteration in range(kills):
            out = work / f"capture-{iteration:03d}"
            processes.start_recorder(out)
            stop = threading.Event()
            finished = []
            threads = load_until(stop, processes.port, f"k{iteration}", finished, concurrency)
            time.sleep(random.uniform(min_s, max_s))
            wait_until_one_is_due(finished, grace_ms)
            killed_at = time.monotonic()
            processes.kill_recorder(9)
            stop.set()
            for thread in threads:
                thread.join(timeout=10)
            results["kills"] += 1
            ok, text = verify(out)
            if not ok:
                subprocess.run([binary(), "archive", "repair", str(out)], capture_output=True, timeout=300)
                ok, text = verify(out)
                if ok:
                    results["repaired"] += 1
                else:
                    results["verify_failed"] += 1
                    log(f"kill {iteration}: verify fails after repair: {text[:400]}")
            else:
                results["verify_ok"] += 1
            recorded = archive_texts(out)
            due = [marker for marker, end in finished if end < killed_at - grace_ms / 1000]
            missing = [marker for marker in due if f"[{marker}]" not in recorded]
            results["checked"] += len(due)
            results["requests_finished"] += len(finished)
            results["lost"] += len(missing)
            results["lost_markers"] += missing[:2]
            # How long before the kill the oldest missing exchange had finished: the real loss window.
            ages = [(killed_at - end) * 1000 for marker, end in finished if f"[{marker}]" not in recorded]
            results["max_lost_age_ms"] = round(max([results["max_lost_age_ms"]] + ages), 1)
            log(f"kill {iteration + 1}/{kills}: {len(finished)} finished, {len(due)} due, {len(missing)} missing,"
                f" verify {'ok' if ok else 'FAILED'}")
    finally:
        processes.close()
    return results


if __name__ == "__main__":
    import sys
    import tempfile
    print(json.dumps(run(Path(tempfile.mkdtemp()), kills=int(sys.argv[1]) if len(sys.argv) > 1 else 3)))
