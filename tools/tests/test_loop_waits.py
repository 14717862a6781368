"""tools/bench/loop-waits' reading of `perf sched timehist` on hand-made lines: the record loop's
scheduling delays are its own (not the mock's loop, which has the same thread name), and the core
time during its long waits is clipped to the waits, summed by task name with our processes tagged,
and leaves out the waiting thread itself and everything outside the waits."""

import pytest

RECORD, MOCK = 500, 400

# time (s), [cpu], task[tid/pid], wait, sch delay, run time (ms): each line ends a slice.
TIMEHIST = """\
           time    cpu  task name                       wait time  sch delay   run time
                        [tid/pid]                          (msec)     (msec)     (msec)
--------------- ------  ------------------------------  ---------  ---------  ---------
     100.010000 [0000]  cc1[77]                             0.000      0.000      8.000
     100.011000 [0001]  NIO-ELT-1-#1[401/400]               0.000      0.000      1.000
     100.012000 [0000]  us-recorder[502/500]                0.000      0.000      2.000
     100.012500 [0001]  <idle>                              0.000      0.000      1.500
     100.013000 [0000]  NIO-ELT-1-#1[501/500]               0.000      3.000      1.000
     100.013100 [0001]  NIO-ELT-1-#1[501/500]               0.000      0.050      0.050
     100.020000 [0000]  cc1[77]                             0.000      0.000      2.000
"""


@pytest.fixture(scope="module")
def tool(bench_tool):
    return bench_tool("loop-waits")


def test_the_record_loops_delays_are_read_and_the_mocks_are_not(tool):
    slices = tool.parse_timehist(TIMEHIST.splitlines())
    assert len(slices) == 6  # the header and the idle task are not slices
    loop = tool.loop_slices(slices, RECORD)
    assert [round(s.delay * 1e3, 3) for s in loop] == [3.0, 0.05]
    assert round(loop[0].start, 6) == 100.012


def test_core_time_during_long_waits_is_clipped_and_tagged(tool):
    slices = tool.parse_timehist(TIMEHIST.splitlines())
    waits = [(s.start - s.delay, s.start, s.tid) for s in tool.loop_slices(slices, RECORD) if s.delay >= 0.5e-3]
    assert [(round(a, 6), round(b, 6)) for a, b, _ in waits] == [(100.009, 100.012)]
    ran = {name: round(seconds * 1e3, 3) for name, seconds in tool.who_ran(slices, waits, {RECORD: "record", MOCK: "mock"}).items()}
    # cc1 ran 100.002-100.010 (1 ms inside the wait), the mock's loop 100.010-100.011, the recorder
    # 100.010-100.012 (2 ms); cc1's later slice (100.018-100.020) and the loop's own are outside.
    assert ran == {"cc1": 1.0, "NIO-ELT-1-#1(mock)": 1.0, "us-recorder(record)": 2.0}


def test_report_counts_the_waits_over_the_threshold(tool):
    text = tool.report(tool.parse_timehist(TIMEHIST.splitlines()), RECORD, MOCK, 0.5e-3)
    assert "2 switch-ins" in text and "max 3.000 ms" in text
    assert "1 waits >= 0.5 ms, 1 >= 1 ms" in text
    assert "us-recorder(record)" in text.splitlines()[2]  # the largest share comes first
