"""tools/bench/thread-cost's arithmetic on a hand-made /proc: threads of one name are summed (nginx's
two workers make one row), the process row sums every thread, and per request the CPU is split
into user and kernel time by the tick counts, so a misread field or a wrong split shows."""

import importlib.machinery
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tool():
    loader = importlib.machinery.SourceFileLoader("thread_cost", str(ROOT / "tools" / "bench" / "thread-cost"))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader("thread_cost", loader))
    loader.exec_module(module)
    return module


def write_thread(proc, pid, tid, comm, cpu_ns, runs, voluntary, involuntary, user_ticks, system_ticks):
    task = proc / str(pid) / "task" / str(tid)
    task.mkdir(parents=True)
    (task / "comm").write_text(comm + "\n")
    (task / "schedstat").write_text(f"{cpu_ns} 123 {runs}\n")
    (task / "status").write_text(
        f"Name:\t{comm}\nState:\tS (sleeping)\nvoluntary_ctxt_switches:\t{voluntary}\n"
        f"nonvoluntary_ctxt_switches:\t{involuntary}\n")
    # Fields after the command: state is field 0, utime field 11, stime field 12 (proc(5), 3-based).
    after = ["S"] + ["0"] * 10 + [str(user_ticks), str(system_ticks)] + ["0"] * 10
    (task / "stat").write_text(f"{tid} ({comm} with ) spaces) " + " ".join(after) + "\n")


def test_threads_of_one_name_are_summed_and_the_command_may_hold_parentheses(tool, tmp_path):
    write_thread(tmp_path, 10, 11, "nginx", 4_000, 3, 2, 1, 5, 7)
    write_thread(tmp_path, 20, 21, "nginx", 6_000, 5, 4, 1, 1, 9)
    counts = tool.thread_counts([10, 20], proc=tmp_path)
    assert counts == {"nginx": {"cpu_ns": 10_000, "runs": 8, "voluntary": 6, "involuntary": 2,
                                "user_ticks": 6, "system_ticks": 16}}


def test_per_request_splits_cpu_by_ticks_and_adds_a_process_row(tool, tmp_path):
    before = {"NIO-ELT-1-#1": dict(cpu_ns=1_000_000, runs=10, voluntary=8, involuntary=2, user_ticks=10, system_ticks=10)}
    after = {
        "NIO-ELT-1-#1": dict(cpu_ns=21_000_000, runs=110, voluntary=58, involuntary=52, user_ticks=70, system_ticks=30),
        # A thread that started during the cell counts from zero.
        "us-recorder": dict(cpu_ns=10_000_000, runs=20, voluntary=20, involuntary=0, user_ticks=10, system_ticks=0),
    }
    rows = tool.per_request(before, after, answered=1000)
    loop = rows["NIO-ELT-1-#1"]
    assert loop["cpu_us"] == pytest.approx(20.0)
    assert loop["user_us"] == pytest.approx(15.0)  # 60 of the 80 ticks spent in the cell were user time
    assert loop["system_us"] == pytest.approx(5.0)
    assert (loop["runs"], loop["voluntary"], loop["involuntary"]) == pytest.approx((0.1, 0.05, 0.05))
    assert rows["us-recorder"]["user_us"] == pytest.approx(10.0)
    process = rows["process"]
    assert process["cpu_us"] == pytest.approx(30.0)
    assert process["user_us"] == pytest.approx(30.0 * 70 / 90)
    assert process["runs"] == pytest.approx(0.12)
