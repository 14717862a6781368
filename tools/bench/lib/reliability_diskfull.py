"""Disk full: `record --out` on a small tmpfs that fills up. Clients must see no error at all,
the drops must show in the metrics, and recording must resume once space returns.
Needs root (mount -t tmpfs); reports {"skipped": reason} where mounting is not permitted."""
import os
import subprocess
import threading
import time
from pathlib import Path

from reliability_common import Processes, archive_texts, binary, chat_request


def run(work: Path, requests_per_phase=300, concurrency=8, size="2m", log=print):
    mount = work / "tmpfs"
    mount.mkdir(parents=True, exist_ok=True)
    tried = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(mount)],
                           capture_output=True, text=True)
    if tried.returncode != 0:
        return {"skipped": f"cannot mount a tmpfs: {tried.stderr.strip() or 'mount failed'}"}
    processes = Processes(work / "procs")
    results = {}
    try:
        out = mount / "capture"
        processes.start_recorder(out)
        # Fill the filesystem, leaving a few KiB: the archive's next frames cannot fit.
        filler = mount / "filler"
        with open(filler, "wb") as f:
            try:
                while True:
                    f.write(b"\0" * 65536)
                    f.flush()
            except OSError:
                pass
        os.truncate(filler, max(0, filler.stat().st_size - 16384))

        def phase(name):
            outcomes = {}
            lock = threading.Lock()
            markers = []

            def worker(index):
                for n in range(index, requests_per_phase, concurrency):
                    marker = f"{name}-{n}"
                    status, data, _ = chat_request(processes.port, marker, stream=n % 2 == 0)
                    good = status == 200 and (b"[DONE]" in data or b'"choices"' in data)
                    with lock:
                        key = "ok" if good else str(status)
                        outcomes[key] = outcomes.get(key, 0) + 1
                        markers.append(marker)

            threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=300)
            return outcomes, markers

        full_outcomes, _ = phase("full")
        # The writer meets the full disk at its next flush (one interval later; on a loaded machine,
        # whenever its thread runs): wait for the drops to show, at most 30 s, instead of a fixed 1 s.
        deadline = time.monotonic() + 30
        metrics = processes.metrics()
        while metrics.get("understudy_archive_records_dropped", 0) <= 0 and time.monotonic() < deadline:
            time.sleep(0.1)
            metrics = processes.metrics()
        results["full_phase_client_outcomes"] = full_outcomes
        results["dropped_while_full"] = int(metrics.get("understudy_archive_records_dropped", -1))
        results["write_errors_while_full"] = int(metrics.get("understudy_archive_write_errors", -1))
        filler.unlink()
        resumed_outcomes, resumed_markers = phase("resumed")
        processes.kill_recorder(15)  # SIGTERM: drain and close the archive
        recorded = archive_texts(out)
        results["resumed_phase_client_outcomes"] = resumed_outcomes
        results["resumed_recorded"] = sum(1 for marker in resumed_markers if f"[{marker}]" in recorded)
        results["resumed_sent"] = len(resumed_markers)
        verify = subprocess.run([binary(), "archive", "verify", str(out)], capture_output=True, text=True)
        results["verify_ok"] = verify.returncode == 0
        if verify.returncode != 0:
            results["verify_output"] = (verify.stdout + verify.stderr)[-600:]
    finally:
        processes.close()
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)
    return results
