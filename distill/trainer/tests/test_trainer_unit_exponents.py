"""Prompt feature unit_exponents: a number the user text writes only as a unit's exponent (`m/s^2`)
is never an argument value; the Swift engine finds the same slots in the same golden file
(UnitExponentsTests). Listed only for clusters whose requests bring their own tools and whose
training answers never copy such a number."""

import json
from pathlib import Path

from distill.trainer.dataset import Example
from distill.trainer.golden_features import unit_exponents_cases
from distill.trainer.prompt import render_prompt
from distill.trainer.tests.test_trainer_call_limit import listed_features
from distill.trainer.unit_exponents import FEATURE, copying_answers, exponent_slots, user_text

GOLDEN = Path(__file__).parent / "golden" / "unit_exponents.jsonl"
TOOL = {"name": "kinematics", "parameters": {"type": "object", "properties": {"time": {"type": "number"}},
                                             "required": ["time"]}}


def _exponents(question: str) -> list[str]:
    messages = [{"role": "user", "content": question}]
    table = render_prompt(messages, tools=[TOOL]).slots
    return [table.slots[i].text for i in exponent_slots(table, user_text(messages))]


def test_slots_match_the_golden_file():
    lines = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert lines == unit_exponents_cases()
    by_name = {line["name"]: line for line in lines}
    assert [by_name["exponent_only"]["slots"][i] for i in by_name["exponent_only"]["exponent_slots"]] == ["2"]
    assert by_name["also_a_value"]["exponent_slots"] == [] and by_name["no_exponent"]["exponent_slots"] == []


def test_only_numbers_written_after_a_caret_and_nowhere_else_are_exponents():
    assert _exponents("Accelerate at 5 m/s^2 for 6 seconds.") == ["2"]
    assert _exponents("Density 5.2 g/cm^3 and 3 cones.") == []  # 3 is also a value
    assert _exponents("Start at 20 m/s and 5 m/s^2.") == ["2"]  # the 2 of 20 is another number
    assert _exponents("Accelerate at 5 for 6 seconds.") == []


def test_copying_answers_counts_answers_that_write_an_exponent():
    def example(question, time):
        target = {"content": None, "tool_calls": [{"name": "kinematics", "arguments": {"time": time}}]}
        return Example(question, [{"role": "user", "content": question}], target)

    examples = [example("Accelerate at 5 m/s^2 for 6 seconds.", 6), example("Accelerate at 5 m/s^2.", 2)]
    assert copying_answers(examples, lambda e: [TOOL], 64) == 1


def test_the_feature_is_listed_only_where_requests_bring_tools_and_no_answer_copies_an_exponent(tmp_path):
    def row(i, time):
        return {"id": f"ex{i}", "messages": [{"role": "user", "content": f"Accelerate at {i} m/s^2 for {i + 40} s."}],
                "target": {"content": None, "tool_calls": [{"name": "kinematics", "arguments": {"time": time}}]}}

    rows = [row(i, i + 40) for i in range(30)]
    assert FEATURE not in listed_features(tmp_path / "constant", rows, [TOOL], FEATURE)
    assert FEATURE in listed_features(tmp_path / "request", [{**r, "tools": [TOOL]} for r in rows], [TOOL], FEATURE)
    copying = [{**row(i, 2), "tools": [TOOL]} for i in range(30)]
    assert FEATURE not in listed_features(tmp_path / "copying", copying, [TOOL], FEATURE)
