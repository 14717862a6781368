"""Prompt feature distinct_calls: an answer ends before its first call that repeats an earlier
call of the same answer (the Swift engine applies the same rule to the same golden file,
DistinctCallsTests); listed only for clusters whose training answers never repeat a call."""

import json
from pathlib import Path

from accelerate import Accelerator

from distill.trainer.distinct_calls import FEATURE, calls_of, cut_repeats, repeating_answers
from distill.trainer.golden_features import distinct_calls_cases
from distill.trainer.run import Options, train_cluster
from distill.trainer.tests.test_trainer_remembered_keys import follow_ups
from distill.trainer.tests.test_trainer_run import TINY
from distill.trainer.tests.trainer_fixtures import write_cluster

GOLDEN = Path(__file__).parent / "golden" / "distinct_calls.jsonl"


def test_cuts_match_the_golden_file():
    lines = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert lines == distinct_calls_cases()
    cuts = {line["name"]: line["cut"] for line in lines}
    assert json.loads(cuts["repeat_after_one_call"])["tool_calls"] == [{"name": "ls", "arguments": {"a": True}}]
    assert cuts["cut_at_max_tokens_after_repeats"] == cuts["repeat_after_one_call"]
    assert cuts["different_slots_differ_then_repeat"].count("cat") == 2
    assert len(calls_of(cuts["strings_with_braces_and_escaped_quotes"])) == 2
    assert all(line["cut"] == line["text"] for line in lines if line["name"].endswith("_stays"))


def test_a_restored_answer_keeps_the_calls_before_the_repeat():
    head = '{"content":null,"tool_calls":['
    check = '{"name":"check_tire_pressure","arguments":{}}'
    shop = '{"name":"find_nearest_tire_shop","arguments":{}}'
    assert cut_repeats(head + ",".join([check, shop, check, shop, check])) == head + check + "," + shop + "]}"


def test_repeating_answers_counts_answers_that_call_twice_alike():
    call = {"name": "ls", "arguments": {"a": True}}
    other = {"name": "ls", "arguments": {"a": False}}
    targets = [{"content": None, "tool_calls": [call, call]}, {"content": None, "tool_calls": [call, other]},
               {"content": "hi", "tool_calls": []}]
    assert repeating_answers(targets) == 1


def _features(tmp_path: Path, rows: list[dict]) -> list[str]:
    write_cluster(tmp_path, "c001", rows)
    options = Options(recipe="scratch", max_steps=6, recipe_overrides={**TINY, "distinct_calls": True},
                      eval_examples=2)
    out = Path(train_cluster(tmp_path, "c001", options, Accelerator(cpu=True), lambda event: None)["specialist"])
    return json.loads((out / "specialist.json").read_text())["prompt_features"]


def test_the_feature_is_listed_only_when_no_training_answer_repeats_a_call(tmp_path):
    rows = follow_ups(40)
    assert FEATURE in _features(tmp_path / "distinct", rows)
    calls = rows[0]["target"]["tool_calls"]
    rows[0]["target"]["tool_calls"] = calls + calls  # one training answer (ex0 is in train) repeats its call
    assert FEATURE not in _features(tmp_path / "repeating", rows)
