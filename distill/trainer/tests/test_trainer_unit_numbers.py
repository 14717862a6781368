"""Prompt feature unit_numbers: a number key whose training answers take the number the question
writes right before the key's name ("13.2 gallons" → gallon 13.2) gets that number after decoding
(the Swift engine applies the same rule to the same golden file, UnitNumbersTests); chosen only
where the training answers of the keys that show the habit follow it, counted by distinct question
and pooled over those keys."""

import json
from pathlib import Path

from distill.trainer.dataset import Example
from distill.trainer.golden_features import unit_numbers_cases
from distill.trainer.refit import refit
from distill.trainer.remembered_keys import MIN_COUNT
from distill.trainer.tests.trainer_fixtures import refittable_specialist
from distill.trainer.unit_numbers import choose, fill, sole_unit_number

GOLDEN = Path(__file__).parent / "golden" / "unit_numbers.jsonl"
TOOLS = [{"name": "gallon_to_liter", "parameters": {"type": "object", "properties": {
    "gallon": {"type": "number"}}, "required": ["gallon"]}},
         {"name": "liter_to_gallon", "parameters": {"type": "object", "properties": {
             "liter": {"type": "number"}}, "required": ["liter"]}},
         {"name": "fill_tank", "parameters": {"type": "object", "properties": {
             "gallon": {"type": "number"}}, "required": ["gallon"]}}]


def call(question: str, tool: str, earlier: float | None = None, **arguments) -> Example:
    messages = [{"role": "user", "content": question}]
    if earlier is not None:  # an earlier call wrote the key: the conversation remembers it
        messages = [{"role": "assistant", "content": None, "tool_calls": [
            {"name": "gallon_to_liter", "arguments": {"gallon": earlier}}]}] + messages
    return Example("e", messages, {"content": None, "tool_calls": [{"name": tool, "arguments": arguments}]})


def test_fills_match_the_golden_file():
    lines = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert lines == unit_numbers_cases()
    filled = {line["name"]: line["filled"]["tool_calls"][0]["arguments"] for line in lines}
    # the vehicle suite's miss: the model's literal 40 becomes the question's 13.2
    assert filled["a_decimal_number_before_the_keys_name"] == {"gallon": 13.2, "liter": 3}
    # the integer `liter` keeps what the answer wrote for "2.5 liters"
    assert filled["an_integer_key_keeps_its_value_for_a_decimal_number"] == {"gallon": 6, "liter": 3}
    assert filled["two_numbers_fill_nothing"] == {"gallon": 40, "liter": 3}
    # "-3 gallons": the digits alone would overwrite the answer's right -3
    assert filled["a_negative_number_fills_nothing"] == {"gallon": -3, "liter": 3}
    # a tool taking the key as a string (or unknown) keeps the number it was written
    schemas = {line["name"]: line["filled"]["tool_calls"] for line in lines}["a_key_of_no_number_schema_is_left"]
    assert [c["arguments"] for c in schemas] == [{"gallon": 12, "liter": 3}, {"gallon": 40}, {"gallon": 40}]


def test_the_unit_numbers_of_a_key():
    assert sole_unit_number("filled up with 13.2 gallons of fuel", "gallon") == "13.2"
    assert sole_unit_number("15 Liters, i.e. 15.0 LITERS", "liter") == "15"
    assert sole_unit_number("10 gallons or 20 gallons", "gallon") is None
    assert sole_unit_number("1,000 gallons, v2.5 gallons, 8-gallons, 9 gal, 11 galloping", "gallon") is None
    assert sole_unit_number("60 gallons into liters", "liter") is None
    assert sole_unit_number("lower it by -3 degrees", "degree") is None
    assert sole_unit_number("5 literally", "liter") == "5"  # the key is a prefix of the word
    assert sole_unit_number("7\u00a0gallons", "gallon") is None  # a no-break space is no space
    assert sole_unit_number("5 fuel_amounts", "fuel_amount") is None  # not ASCII letters alone


def test_keys_are_chosen_pooled_where_the_answers_take_the_unit_number():
    liters = [call(f"Convert {n} liters to gallons.", "liter_to_gallon", liter=float(n)) for n in (10, 15, 38, 166)]
    gallons = [call("I put in 13.2 gallons; in liters?", "gallon_to_liter", gallon=13.2)]
    # no key alone reaches MIN_COUNT; together they do
    assert len(liters) < MIN_COUNT <= len(liters + gallons)
    assert choose(liters + gallons, TOOLS) == {"keys": ["gallon", "liter"],
                                               "counts": {"gallon": [1, 1, 1, 1], "liter": [4, 4, 4, 4]}}
    assert choose(liters, TOOLS)["keys"] == []
    # a key whose answers mostly write another number is left out, and the others stay under the bar
    topped = [call(f"Top it up to end with {n} gallons.", "fill_tank", gallon=n - 10.0) for n in (50, 60)]
    chosen = choose(liters + gallons + topped, TOOLS)
    assert chosen["keys"] == [] and chosen["counts"]["gallon"] == [1, 3, 1, 3]


def test_evidence_is_counted_by_distinct_question():
    liters = [call(f"Convert {n} liters to gallons.", "liter_to_gallon", liter=float(n)) for n in (10, 15, 38, 166)]
    gallons = call("I put in 13.2 gallons; in liters?", "gallon_to_liter", gallon=13.2)
    # the gallon question written twice is one question: three liters and it are four, under the bar
    chosen = choose(liters[:3] + [gallons, gallons], TOOLS)
    assert chosen == {"keys": [], "counts": {"gallon": [2, 2, 1, 1], "liter": [3, 3, 3, 3]}}
    # a question answered once with its unit number and once without is no right question
    wrong = call("I put in 13.2 gallons; in liters?", "gallon_to_liter", gallon=40.0)
    chosen = choose(liters + [gallons, wrong], TOOLS)
    assert chosen["counts"]["gallon"] == [1, 2, 0, 1] and chosen["keys"] == []
    # one question right for two keys counts once in the pool
    both = [call(f"Mix {n} liters and {n + 1} gallons.", "mix", liter=float(n), gallon=n + 1.0) for n in (1, 2, 3, 4)]
    mix = [{"name": "mix", "parameters": {"type": "object", "properties": {
        "liter": {"type": "number"}, "gallon": {"type": "number"}}}}]
    assert choose(both, mix)["keys"] == []
    assert choose(both + [liters[0]], mix + TOOLS)["keys"] == ["gallon", "liter"]
    # a key remembered_keys fills (listed there and remembered) is not counted
    remembered = [call(f"Convert {n} gallons.", "gallon_to_liter", earlier=1.0, gallon=float(n)) for n in (1, 2)]
    assert choose(liters + remembered, TOOLS, ["gallon"])["keys"] == []
    assert choose(liters + remembered, TOOLS)["keys"] == ["gallon", "liter"]


def test_the_fill_sets_written_numbers_only():
    messages = [{"role": "user", "content": "I've just filled my car up with 13.2 gallons. How much in liters?"}]
    answer = {"content": None, "tool_calls": [{"name": "gallon_to_liter", "arguments": {"gallon": 40}},
                                              {"name": "liter_to_gallon", "arguments": {}}]}
    assert fill(answer, messages, ["gallon", "liter"], TOOLS)["tool_calls"] == [
        {"name": "gallon_to_liter", "arguments": {"gallon": 13.2}}, {"name": "liter_to_gallon", "arguments": {}}]
    assert fill(answer, messages, [], TOOLS) == answer
    # two calls of the key both take it; a tool taking it as a string keeps what it wrote
    twice = {"content": None, "tool_calls": [{"name": "gallon_to_liter", "arguments": {"gallon": 40}},
                                             {"name": "fill_tank", "arguments": {"gallon": 41}},
                                             {"name": "log", "arguments": {"gallon": 40}}]}
    logged = TOOLS + [{"name": "log", "parameters": {"type": "object", "properties": {"gallon": {"type": "string"}}}}]
    assert [c["arguments"] for c in fill(twice, messages, ["gallon"], logged)["tool_calls"]] == [
        {"gallon": 13.2}, {"gallon": 13.2}, {"gallon": 40}]


def test_refit_lists_the_keys(tmp_path):
    # ten answers: the fixture's split trains on the first eight
    examples = [call(f"Convert {n} liters to gallons.", "liter_to_gallon", liter=float(n)) for n in range(1, 11)]
    specialist = refittable_specialist(tmp_path, examples, TOOLS)
    refit(tmp_path, "c001", specialist, features=["unit_numbers"])
    info = json.loads((specialist / "specialist.json").read_text())
    assert info["unit_numbers"] == {"keys": ["liter"], "counts": {"liter": [8, 8, 8, 8]}}
    assert "unit_numbers" in info["prompt_features"]
    refit(tmp_path, "c001", specialist, features=[])
    info = json.loads((specialist / "specialist.json").read_text())
    assert "unit_numbers" not in info["prompt_features"] and "unit_numbers" not in info
