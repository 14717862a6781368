"""The learning-rate schedule follows the seed, recipe and data, not the machine's speed: the same
tiny training on a clock that runs 1× and 3× as fast gives bit-identical weights; the CPU-time cap
still ends training that runs out of time, and says so."""

import json
import time
from pathlib import Path

from accelerate import Accelerator
from safetensors.torch import load_file

from distill.trainer.run import Options, train_cluster
from distill.trainer.tests.test_trainer_run import TINY
from distill.trainer.tests.trainer_fixtures import booking_examples, write_cluster

MAX_STEPS = 200
# A schedule of about 30 steps within the 2-minute cap: the tiny batches hold about 125 tokens a step.
COST = {**TINY, "eval_every": 10, "patience": 100, "cpu_seconds_per_token": 0.032}


def _slow_clock(monkeypatch, seconds_per_call: float) -> None:
    """The trainer's CPU clock advances `seconds_per_call` each time it is read: a machine that
    many times slower, with no real time spent (the loop reads it a fixed number of times a step)."""
    now = [0.0]

    def clock() -> float:
        now[0] += seconds_per_call
        return now[0]
    monkeypatch.setattr(time, "process_time", clock)


def _train(run_dir: Path, output: Path) -> tuple[dict, dict]:
    options = Options(recipe="scratch", max_steps=MAX_STEPS, max_minutes=2.0, recipe_overrides=COST,
                      eval_examples=4, output=output)
    entry = train_cluster(run_dir, "c001", options, Accelerator(cpu=True), lambda event: None)
    return entry, json.loads((Path(entry["specialist"]) / "specialist.json").read_text())


def test_a_slower_clock_trains_the_same_weights_and_picks_the_same_step(tmp_path, monkeypatch):
    write_cluster(tmp_path, "c001", booking_examples(60))
    _slow_clock(monkeypatch, 1.0)
    _, fast = _train(tmp_path, tmp_path / "fast")
    _slow_clock(monkeypatch, 3.0)
    _, slow = _train(tmp_path, tmp_path / "slow")
    # The cost model shortened the schedule (the 200 steps would not fit the cap), on both machines alike.
    assert 20 < fast["schedule_steps"] < MAX_STEPS and fast["schedule_steps"] == slow["schedule_steps"]
    assert fast["stopped_by"] == slow["stopped_by"] == "max_steps"
    assert fast["steps"] == slow["steps"] == fast["schedule_steps"]
    assert fast["best_step"] == slow["best_step"] and fast["val_loss"] == slow["val_loss"]
    first = load_file(str(tmp_path / "fast" / "c001" / "model.safetensors"))
    second = load_file(str(tmp_path / "slow" / "c001" / "model.safetensors"))
    assert first.keys() == second.keys() and all(bool((first[k] == second[k]).all()) for k in first)


def test_the_cpu_time_cap_still_ends_training_and_says_so(tmp_path, monkeypatch):
    write_cluster(tmp_path, "c001", booking_examples(60))
    _slow_clock(monkeypatch, 10.0)  # 12 clock reads exhaust the 120 s cap
    entry, info = _train(tmp_path, tmp_path / "out")
    assert info["stopped_by"] == entry["stopped_by"] == "time"
    assert info["steps"] < info["schedule_steps"] and info["steps"] <= 12
    assert entry["schedule_steps"] == info["schedule_steps"]
