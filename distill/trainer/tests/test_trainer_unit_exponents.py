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
from distill.trainer.slots import slot_token
from distill.trainer.unit_exponents import FEATURE, copying_answers, exponent_slots, exponent_tokens, user_text

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
    def exponents(name):
        return [by_name[name]["slots"][i] for i in by_name[name]["exponent_slots"]]

    assert exponents("caret_at_the_start") == ["2"] and exponents("decimal_exponent") == ["0.5"]
    # `**2` is no `^`; é does not hide the 2 after it; the 2 of 2.5 is an occurrence of 2.
    assert exponents("double_star_power") == exponents("non_ascii_neighbours") == []
    assert exponents("digit_before_a_decimal_point") == exponents("number_at_the_start") == []


def test_only_numbers_written_after_a_caret_and_nowhere_else_are_exponents():
    assert _exponents("Accelerate at 5 m/s^2 for 6 seconds.") == ["2"]
    assert _exponents("Density 5.2 g/cm^3 and 3 cones.") == []  # 3 is also a value
    assert _exponents("Start at 20 m/s and 5 m/s^2.") == ["2"]  # the 2 of 20 is another number
    assert _exponents("Accelerate at 5 for 6 seconds.") == []


class _Vocabulary:
    """A tokenizer's vocabulary only (what exponent_tokens reads): ids far from the slot indices, and
    a slot token left out as a tokenizer with fewer slots than the table would."""

    def __init__(self, slots: int, missing: int | None = None):
        self.vocab = {slot_token(i): 1000 + 7 * i for i in range(slots) if i != missing}
        self.vocab.update({"<pad>": 0, "2": 1, "^": 2})

    def get_vocab(self) -> dict[str, int]:
        return self.vocab


def test_exponent_tokens_are_the_ids_of_the_exponent_slots_tokens_only():
    # Slots: <S0> 5, <S1> m/s, <S2> 2, <S3> 6, <S4> 8, <S5> 3, then the tool's names; 2 and 3 are exponents.
    messages = [{"role": "user", "content": "5 m/s^2 for 6 s, 8 m^3."}]
    table = render_prompt(messages, tools=[TOOL]).slots
    texts = [slot.text for slot in table.slots]
    two, three = texts.index("2"), texts.index("3")
    vocabulary = _Vocabulary(len(texts))
    assert sorted(exponent_tokens(vocabulary, table, user_text(messages))) == sorted(
        [vocabulary.vocab[slot_token(two)], vocabulary.vocab[slot_token(three)]])
    # A slot token the tokenizer lacks is never generated anyway: left out, no error.
    assert exponent_tokens(_Vocabulary(len(texts), missing=three), table, user_text(messages)) == [
        vocabulary.vocab[slot_token(two)]]
    assert exponent_tokens(vocabulary, table, "5 m/s 2 for 6 s, 8 m 3.") == []


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
