"""Prompt feature remembered_keys: keys whose training answers always repeat the conversation's
latest value under the same key are filled from that value after decoding (the Swift engine applies
the same rule to the same golden file, RememberedKeysTests)."""

import json
import random
from pathlib import Path

from accelerate import Accelerator

from distill.trainer.dataset import Example, load_cluster
from distill.trainer.golden_features import remembered_keys_cases
from distill.trainer.remembered_keys import MIN_COUNT, choose_keys, fill, memory
from distill.trainer.run import Options, train_cluster
from distill.trainer.tests.test_trainer_run import TINY
from distill.trainer.tests.trainer_fixtures import TOOLS, write_cluster

GOLDEN = Path(__file__).parent / "golden" / "remembered_keys.jsonl"


def conversation(booking: str, last: str) -> list[dict]:
    return [{"role": "user", "content": "Book a table at 'Luigi' for 2 people on 2026-05-01."},
            {"role": "assistant", "content": None, "tool_calls": [
                {"name": "book_table", "arguments": {"restaurant": "Luigi", "people": 2, "date": "2026-05-01"}}]},
            {"role": "tool", "content": json.dumps({"booking_id": booking, "status": "confirmed"})},
            {"role": "user", "content": last}]


def follow_ups(count: int, seed: int = 0) -> list[dict]:
    """Conversations whose answer cancels or rates the booking an earlier tool result returned."""
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        booking = f"BK{rng.randint(1000, 99999)}"
        if rng.random() < 0.5:
            last, call = "Cancel that booking please.", {"name": "cancel_booking", "arguments": {"booking_id": booking}}
        else:
            stars = rng.choice([2, 3, 4, 5])
            last = f"Rate that visit {stars} stars."
            call = {"name": "rate_visit", "arguments": {"booking_id": booking, "stars": stars}}
        rows.append({"format": 1, "id": f"ex{index}", "conversation": f"conv{index}", "weight": 1,
                     "messages": conversation(booking, last), "target": {"content": None, "tool_calls": [call]}})
    return rows


def test_memory_and_fill_match_the_golden_file():
    lines = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert lines == remembered_keys_cases()
    first = lines[0]
    assert first["filled"]["tool_calls"][0]["arguments"] == {"access_token": "abc123", "booking_id": "3426812"}


def test_the_latest_value_under_a_key_is_remembered_and_typed_by_the_schema():
    messages = conversation("BK1", "x") + [{"role": "tool", "content": '{"result": {"booking_id": 42}}'}]
    assert memory(messages)["booking_id"].text == "42"
    answer = {"content": None, "tool_calls": [{"name": "rate_visit", "arguments": {"booking_id": "BK1", "stars": 3}}]}
    assert fill(answer, messages, ["booking_id"], TOOLS)["tool_calls"][0]["arguments"] == {"booking_id": "42",
                                                                                             "stars": 3}
    assert fill(answer, messages, ["stars"], TOOLS) == answer  # stars is not remembered


def test_keys_are_chosen_only_when_training_answers_repeat_the_memory():
    def example(booking: str, written: str, stars: int) -> Example:
        target = {"content": None, "tool_calls": [
            {"name": "rate_visit", "arguments": {"booking_id": written, "stars": stars}}]}
        return Example("e", conversation(booking, "Rate it."), target)

    # booking_id repeats the remembered value 9 times of 10; people (remembered 2) never appears.
    examples = [example(f"BK{i}", f"BK{i}", 4) for i in range(9)] + [example("BK9", "BK0", 4)]
    choice = choose_keys(examples, TOOLS)
    assert choice["keys"] == ["booking_id"] and choice["counts"] == {"booking_id": [9, 10]}
    assert choose_keys(examples[:8] + [example("BK8", "X", 1), example("BK9", "Y", 1)], TOOLS)["keys"] == []
    assert choose_keys(examples[: MIN_COUNT - 1], TOOLS)["keys"] == []


def test_a_specialist_with_the_feature_fills_the_remembered_booking(tmp_path):
    write_cluster(tmp_path, "c001", follow_ups(60))
    overrides = {**TINY, "remembered_keys": True}
    options = Options(recipe="scratch", max_steps=120, recipe_overrides=overrides, eval_examples=6)
    out = Path(train_cluster(tmp_path, "c001", options, Accelerator(cpu=True), lambda event: None)["specialist"])
    info = json.loads((out / "specialist.json").read_text())
    assert "remembered_keys" in info["prompt_features"] and info["remembered_keys"]["keys"] == ["booking_id"]
    tests = {e.id: e for e in load_cluster(tmp_path, "c001").splits["test"]}
    filled = 0
    for line in (out / "predictions.jsonl").read_text().splitlines():
        prediction = json.loads(line)
        for call in (prediction["response"] or {}).get("tool_calls") or []:
            if "booking_id" in call["arguments"]:
                filled += 1
                assert call["arguments"]["booking_id"] == memory(tests[prediction["id"]].messages)["booking_id"].text
    assert filled > 0
