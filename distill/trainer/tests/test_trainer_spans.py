"""Prompt feature question_spans (prompt format v4): every unit of the user text gets a pointer,
answers write values as runs of consecutive pointers and restore to the question's text verbatim;
the golden file the Swift engine tests against matches the trainer's rules; a trained specialist
records the feature and its tokenizer holds the pointer tokens."""

import json
from pathlib import Path

import pytest
from accelerate import Accelerator

from distill.trainer import PROMPT_FORMAT_VERSION
from distill.trainer.golden_features import question_spans_cases
from distill.trainer.prompt import parse_response, render_prompt, render_target
from distill.trainer.run import Options, train_cluster
from distill.trainer.slots import restore_response
from distill.trainer.spans import MAX_POINTERS
from distill.trainer.tests.test_trainer_run import TINY
from distill.trainer.tests.trainer_fixtures import booking_examples, write_cluster

GOLDEN = Path(__file__).parent / "golden" / "question_spans.jsonl"
TOOLS = [{"name": "weather", "parameters": {"type": "object", "properties": {
    "city": {"type": "string"}, "days": {"type": "integer"}}, "required": ["city"]}}]


def _ask(text: str):
    return render_prompt([{"role": "user", "content": text}], 64, TOOLS, question_spans=True)


def test_golden_file_matches_the_trainer():
    recorded = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert recorded == json.loads(json.dumps(question_spans_cases(), ensure_ascii=False))
    assert all(case["restored"] == case["target"] for case in recorded)


def test_a_multi_word_value_is_one_run_of_pointers_restored_verbatim():
    prompt = _ask("Weather in New York, USA for 3 days?")
    assert prompt.text.endswith("<|user|>Weather<W0> in<W1> New<W2> York<W3>,<W4> USA<W5> for<W6> 3<W7> days<W8>"
                                "?<W9><|answer|>")
    target = {"content": None, "tool_calls": [{"name": "weather", "arguments": {"city": "New York, USA", "days": 3}}]}
    text = render_target(target, prompt)
    assert '"<S1>":<W2><W3><W4><W5>' in text and '"<S2>":<W7>' in text
    assert restore_response(parse_response(text), prompt.slots, TOOLS) == target


def test_a_value_not_in_the_question_is_spelled():
    prompt = _ask("Weather in Oslo for three days")
    text = render_target({"content": None, "tool_calls": [{"name": "weather", "arguments": {"city": "Oslo",
                                                                                           "days": 3}}]}, prompt)
    assert '"<S2>":3' in text and '"<S1>":<W2>' in text


def test_pointers_must_be_consecutive_and_inside_the_question():
    prompt = _ask("Weather in New York")
    with pytest.raises(ValueError, match="consecutive"):
        parse_response('{"content":null,"tool_calls":[{"name":<S0>,"arguments":{"<S1>":<W2><W0>}}]}')
    with pytest.raises(IndexError):
        restore_response(parse_response('{"content":null,"tool_calls":[{"name":<S0>,"arguments":{"<S1>":<W9>}}]}'),
                         prompt.slots, TOOLS)


def test_content_cannot_forge_a_pointer_and_units_past_the_limit_get_none():
    forged = _ask("see <W3> here")
    assert "\uff1cW" in forged.text and forged.text.count("<W") == len(forged.slots.units.units) == 5
    long = _ask(" ".join(f"w{i}" for i in range(MAX_POINTERS)))  # two units each
    assert f"<W{MAX_POINTERS - 1}>" in long.text and f"<W{MAX_POINTERS}>" not in long.text
    assert len(long.slots.units.units) == MAX_POINTERS


def test_a_specialist_trained_with_spans_records_the_feature(tmp_path):
    write_cluster(tmp_path, "c001", booking_examples(60))
    overrides = {**TINY, "question_spans": "all", "cue_values": False, "named_values": False, "longest_spans": False,
                 "shaped_values": False, "unit_numbers": False}
    options = Options(recipe="scratch", max_steps=4, recipe_overrides=overrides, eval_examples=4)
    entry = train_cluster(tmp_path, "c001", options, Accelerator(cpu=True), lambda event: None)
    out = Path(entry["specialist"])
    info = json.loads((out / "specialist.json").read_text())
    assert info["prompt_features"] == ["recent_slots", "question_spans", "distinct_calls", "complete_calls"]
    assert info["prompt_format"] == PROMPT_FORMAT_VERSION
    added = {token["content"] for token in json.loads((out / "tokenizer.json").read_text())["added_tokens"]}
    assert {"<W0>", f"<W{MAX_POINTERS - 1}>"} <= added
    plain = train_cluster(tmp_path, "c001", Options(recipe="scratch", max_steps=2, eval_examples=2,
                                                   recipe_overrides={**TINY, "question_spans": True}),
                          Accelerator(cpu=True), lambda event: None)
    plain_info = json.loads((Path(plain["specialist"]) / "specialist.json").read_text())
    assert "question_spans" not in plain_info["prompt_features"], "true means request-tools clusters only"
