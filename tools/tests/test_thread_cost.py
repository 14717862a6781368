"""tools/bench/thread-cost's arithmetic on a hand-made /proc, and tools/bench/proxy's per-thread
reader it shares with tools/bench/recording-cpu: threads of one name are summed (nginx's two
workers make one row), the process row sums every thread, per request the CPU is split into user
and kernel time by the tick counts (not at all below MIN_TICKS), and a thread that ends in the cell
is left out and flagged rather than subtracted, so a misread field or a wrong split shows."""

import pytest


@pytest.fixture(scope="module")
def tool(bench_tool):
    return bench_tool("thread-cost")


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


def counts(name, cpu_ns, runs, voluntary, involuntary, user_ticks, system_ticks):
    return dict(name=name, cpu_ns=cpu_ns, runs=runs, voluntary=voluntary, involuntary=involuntary,
                user_ticks=user_ticks, system_ticks=system_ticks)


def test_the_reader_keeps_threads_apart_and_by_name_sums_one_name(tool, tmp_path):
    write_thread(tmp_path, 10, 11, "nginx", 4_000, 3, 2, 1, 5, 7)
    write_thread(tmp_path, 20, 21, "nginx", 6_000, 5, 4, 1, 1, 9)
    read = tool.proxy.thread_counts([10, 20], proc=tmp_path)
    assert read == {11: counts("nginx", 4_000, 3, 2, 1, 5, 7), 21: counts("nginx", 6_000, 5, 4, 1, 1, 9)}
    assert tool.proxy.by_name(read) == {"nginx": {"cpu_ns": 10_000, "runs": 8, "voluntary": 6, "involuntary": 2,
                                                  "user_ticks": 6, "system_ticks": 16}}
    assert tool.proxy.thread_cpu_ns(10, proc=tmp_path) == {"nginx": 4_000}


def test_a_process_without_a_task_folder_gives_no_threads(tool, tmp_path):
    write_thread(tmp_path, 10, 11, "NIO-ELT-0-#0", 4_000, 3, 2, 1, 5, 7)
    assert list(tool.proxy.thread_counts([10, 99], proc=tmp_path)) == [11]  # 99 has ended
    assert tool.proxy.thread_counts([99], proc=tmp_path) == {}
    (tmp_path / "98").mkdir()  # the process folder still there, its task folder gone
    assert tool.proxy.thread_cpu_ns(98, proc=tmp_path) == {}


def test_drained_returns_once_the_recording_threads_are_still(tool, tmp_path):
    write_thread(tmp_path, 10, 11, "us-recorder", 4_000, 3, 2, 1, 5, 7)
    write_thread(tmp_path, 10, 12, "NIO-ELT-0-#0", 9_000, 3, 2, 1, 5, 7)
    assert tool.proxy.drained([10], settle=0.01, limit=5, proc=tmp_path) == tool.proxy.thread_counts([10], proc=tmp_path)


def test_per_request_splits_cpu_by_ticks_and_adds_a_process_row(tool):
    before = {1: counts("NIO-ELT-1-#1", 1_000_000, 10, 8, 2, 10, 10)}
    after = {
        1: counts("NIO-ELT-1-#1", 21_000_000, 110, 58, 52, 70, 30),
        # A thread that started during the cell counts from zero.
        2: counts("us-recorder", 10_000_000, 20, 20, 0, 20, 0),
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
    assert process["user_us"] == pytest.approx(30.0 * 80 / 100)
    assert process["runs"] == pytest.approx(0.12)
    assert process["ended"] == loop["ended"] == 0


@pytest.mark.parametrize("ticks", [(0, 0), (12, 7)])
def test_too_few_ticks_give_no_split_rather_than_all_kernel(tool, ticks):
    before = {1: counts("us-archive", 0, 0, 0, 0, 0, 0)}
    after = {1: counts("us-archive", 3_000_000, 5, 5, 0, *ticks)}
    row = tool.per_request(before, after, answered=1000)["us-archive"]
    assert row["cpu_us"] == pytest.approx(3.0)
    assert row["user_us"] is None and row["system_us"] is None
    assert "user   n/a, kernel   n/a" in tool.line("us-archive", row)


def test_a_thread_that_ends_in_the_cell_is_left_out_and_flagged(tool):
    # Two workers of one name; the second ends during the cell: its totals must not be subtracted.
    before = {1: counts("nginx", 1_000_000, 10, 10, 0, 10, 10), 2: counts("nginx", 50_000_000, 500, 400, 100, 40, 40)}
    after = {1: counts("nginx", 11_000_000, 20, 20, 0, 20, 30)}
    rows = tool.per_request(before, after, answered=1000)
    assert rows["nginx"]["cpu_us"] == pytest.approx(10.0)
    assert rows["nginx"]["ended"] == 1 and rows["process"]["ended"] == 1
    assert rows["nginx"]["user_us"] == pytest.approx(10.0 / 3)  # 10 user and 20 kernel ticks in the cell
    assert "1 thread(s) ended" in tool.line("nginx", rows["nginx"])
    # A thread that only existed before: a zero row, still shown for its flag.
    rows = tool.per_request({3: counts("us-archive", 5_000_000, 5, 5, 0, 5, 5)}, {}, answered=10)
    assert rows["us-archive"]["cpu_us"] == 0 and tool.shown(rows["us-archive"])


def test_medians_skip_missing_splits_and_total_the_ended_threads(tool):
    rows = [dict(cpu_us=1.0, user_us=None, ended=0), dict(cpu_us=3.0, user_us=2.0, ended=1),
            dict(cpu_us=2.0, user_us=4.0, ended=1)]
    assert tool.median_row(rows) == {"cpu_us": 2.0, "user_us": 3.0, "ended": 2}
    assert tool.median_row(rows[:1])["user_us"] is None


def test_nginx_workers_are_waited_for_then_refused_with_a_reason(tool, monkeypatch):
    seen = iter([[5], [5, 6], [5, 6, 7]])
    monkeypatch.setattr(tool.proxy, "with_children", lambda pid: next(seen))
    assert tool.nginx_workers(5, expected=2, timeout=5) == [6, 7]
    monkeypatch.setattr(tool.proxy, "with_children", lambda pid: [5, 6])
    with pytest.raises(RuntimeError, match=r"1 worker\(s\) \[6\] after 0 s, expected 2"):
        tool.nginx_workers(5, expected=2, timeout=0.2)
