"""tools/bench/lib/stream_path.py on a hand-written trace: each hop of a stream and each wait of
the event loop is read from the right syscalls and scheduler events.

One connection carries two streams through `record` (pid 200: loop thread 201, us-recorder 202)
to the mock (pid 100) from the load generator (pid 300); the times below are what the printed
split must give back, so a change that pairs the wrong socket or the wrong call shows.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "bench" / "lib" / "stream_path.py"

LISTEN, MOCK, CLIENT_PORT, UPSTREAM_PORT = 8001, 9000, 40000, 50000


def tcp_line(inode, local, remote):
    return f"   0: 0100007F:{local:04X} 0100007F:{remote:04X} 01 00000000:00000000 00:00000000 00000000 0 0 {inode}"


def syscall(comm, tid, op, fd, enter_us, exit_us, ret):
    args = f"fd: 0x{fd:08x}, buf: 0x00007f0000000000, count: 0x00010000"
    return [
        f"{comm:>16} {tid:6d} [000] {enter_us / 1e6:.6f}: syscalls:sys_enter_{op}: {args}",
        f"{comm:>16} {tid:6d} [000] {exit_us / 1e6:.6f}: syscalls:sys_exit_{op}: 0x{ret:x}",
    ]


def woken_then_run(tid, comm, woken_us, run_us, prev_pid, prev_comm):
    return [
        f"{'swapper':>16} {0:6d} [001] {woken_us / 1e6:.6f}: sched:sched_wakeup: comm={comm} pid={tid} prio=120 target_cpu=001",
        f"{prev_comm:>16} {prev_pid:6d} [001] {run_us / 1e6:.6f}: sched:sched_switch: prev_comm={prev_comm} "
        f"prev_pid={prev_pid} prev_prio=120 prev_state=R ==> next_comm={comm} next_pid={tid} next_prio=120",
    ]


def stream(start):
    """One stream starting `start` µs in: request 50 µs to reach the loop, 12 µs on the loop,
    upstream answer in two reads, 35 µs from the last read to the client write, 10 µs to the
    load generator (550 µs in all). The loop's first wake-up waits 15 µs behind us-recorder,
    its second 10 µs behind the mock."""
    loop, lg = ("NIO-ELT-0-#0", 201), ("proxy-loadgen", 300)
    return (
        syscall(*lg, "sendto", 3, start, start + 5, 150)
        + woken_then_run(201, "NIO-ELT-0-#0", start + 20, start + 35, 202, "us-recorder")
        + syscall(*loop, "read", 10, start + 40, start + 50, 150)
        + syscall(*loop, "write", 11, start + 55, start + 62, 150)
        + woken_then_run(201, "NIO-ELT-0-#0", start + 280, start + 290, 101, "NIO-ELT-0-#0")
        + syscall(*loop, "read", 11, start + 300, start + 305, 800)
        + syscall(*loop, "write", 10, start + 310, start + 320, 800)
        + syscall(*loop, "read", 11, start + 500, start + 505, 900)
        + syscall(*loop, "write", 10, start + 530, start + 540, 900)
        + syscall(*lg, "recvfrom", 3, start + 545, start + 550, 900)
    )


def test_splits_each_stream_into_its_hops_and_the_loop_waits_by_whom(tmp_path):
    (tmp_path / "tcp.txt").write_text("\n".join([
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
        tcp_line(1003, CLIENT_PORT, LISTEN),      # load generator's connection
        tcp_line(1010, LISTEN, CLIENT_PORT),      # record's client side
        tcp_line(1011, UPSTREAM_PORT, MOCK),      # record's upstream side
        tcp_line(1005, MOCK, UPSTREAM_PORT),      # the mock's side
    ]) + "\n")
    (tmp_path / "fds.txt").write_text("300 3 1003\n200 10 1010\n200 11 1011\n100 5 1005\n")
    (tmp_path / "tids.txt").write_text(
        "100 101 NIO-ELT-0-#0\n200 201 NIO-ELT-0-#0\n200 202 us-recorder\n300 300 proxy-loadgen\n")
    lines = stream(1000) + stream(2000)
    # The third send only closes the second stream's window.
    lines += syscall("proxy-loadgen", 300, "sendto", 3, 3000, 3005, 150)
    (tmp_path / "trace.txt").write_text("\n".join(lines) + "\n")

    out = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path), "understudy", "100", "200", "300", "2"],
                         capture_output=True, text=True, check=True).stdout
    rows = {line.split("  p50")[0].strip(): line for line in out.splitlines() if " p50 " in line}

    def p50(name):
        return float(rows[name].split("p50")[1].split()[0])

    assert "understudy: 2 streams traced, 2.0 upstream reads each" in out, out
    assert p50("total (send -> last receive)") == 550
    assert p50("send -> loop reads request") == 50
    assert p50("loop: request read -> upstream write") == 12
    assert p50("upstream round trip (loop's view)") == 443
    assert p50("loop: last upstream read -> client write") == 35
    assert p50("client write -> last receive") == 10
    # Per stream: 15 µs behind us-recorder, 10 behind the mock (two streams in the trace).
    assert "loop wake-ups: 4," in out, out
    assert "recording threads 15.0 µs/stream" in out, out
    assert "mock 10.0 µs/stream" in out, out
