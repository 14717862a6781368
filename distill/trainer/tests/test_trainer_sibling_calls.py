"""Prompt feature sibling_calls: a one-tool answer becomes one call per value set the question writes
after the same words ("a rate of 5 … a rate of 10"), the template its call with the most copied
values, unless the model already wrote as many distinct calls; the Swift engine applies the same
rule to the same golden file (SiblingCallsTests). The context size is chosen from the training
answers, and the feature is listed only where the expansion gains more training answers than it
spoils, a right answer of several calls counted as spoilt too."""

import json
from pathlib import Path

from distill.trainer.dataset import Example
from distill.trainer.golden_features import sibling_calls_cases
from distill.trainer.prompt import render_prompt
from distill.trainer.remembered_keys import MIN_COUNT
from distill.trainer.sibling_calls import add_to_specialist, candidates, choose, context, expand, first_occurrence
from distill.trainer.tests.trainer_fixtures import write_cluster

GOLDEN = Path(__file__).parent / "golden" / "sibling_calls.jsonl"
TOOLS = [{"name": "weather", "parameters": {"type": "object", "properties": {
    "city": {"type": "string"}, "days": {"type": "integer"}}, "required": ["city"]}}]


def answer(question: str, *cities: str, days: list[int] = ()) -> Example:
    return Example("e", [{"role": "user", "content": question}],
                   {"content": None, "tool_calls": [{"name": "weather", "arguments": {"city": c, **(
                       {"days": days[i]} if days else {})}} for i, c in enumerate(cities)]})


def slot_texts(example: Example) -> list[str]:
    return candidates(render_prompt(example.messages, 64, TOOLS).slots, example.messages)


def test_expansions_match_the_golden_file():
    lines = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert lines == sibling_calls_cases()
    by_name = {line["name"]: line for line in lines}
    calls = by_name["two_numbers_vary_together"]["expanded"]["tool_calls"]
    assert [c["arguments"] for c in calls] == [{"acceleration": 5, "distance": 100},
                                               {"acceleration": 10, "distance": 200.5}]
    genotypes = by_name["enum_values_are_candidates"]["expanded"]["tool_calls"]
    assert [c["arguments"]["genotype"] for c in genotypes] == ["AA", "Aa", "aa"]
    # "Weather in days gone by": `days` is a parameter name only, never a city
    assert "days" not in by_name["name_only_slots_are_no_candidates"]["candidates"]
    assert "2" not in by_name["exponent_slots_are_no_candidates"]["candidates"]  # x^2
    for left in ("mixed_tools_are_left", "unequal_sibling_counts_are_left", "a_text_answer_is_left",
                 "a_context_shorter_than_k_has_no_siblings", "only_the_last_user_message_counts",
                 "as_many_distinct_calls_as_value_sets_stay", "no_more_calls_than_the_call_limit",
                 "name_only_slots_are_no_candidates", "exponent_slots_are_no_candidates"):
        assert by_name[left]["expanded"] == by_name[left]["response"], left


def test_occurrences_and_contexts():
    assert first_occurrence("for 15 days or 5", "5") == 15  # not inside 15
    assert first_occurrence("at 1.5 or 5", "5") == 10  # not after a point
    assert first_occurrence("a rate of 5.5 and 5", "5") == 18  # not before a point and a digit
    assert first_occurrence("for 5. Then", "5") == 4  # a sentence's point is no decimal point
    assert first_occurrence("Oslo", "Oslo") == 0
    assert context("A rate of 5", 10, 2) == ("rate", "of")
    assert context("Weather in 'Zürich'", 12, 2) == ("in", "'")
    assert context("of 5", 3, 2) is None  # fewer tokens than K precede it


def test_the_expansion_replaces_the_models_later_calls():
    example = answer("Weather in Paris, weather in Rome and weather in Oslo?", "Paris", "Paris", "Nice")
    expanded = expand(example.target, example.messages, slot_texts(example), 2, TOOLS)
    assert [c["arguments"]["city"] for c in expanded["tool_calls"]] == ["Paris", "Rome", "Oslo"]
    # three tokens of context: only two precede Paris, so it has no siblings and the answer stays
    assert expand(example.target, example.messages, slot_texts(example), 3, TOOLS) == example.target


def test_the_context_size_is_chosen_by_the_training_answers():
    parallel = [answer(f"Weather in Paris{i}, weather in Rome{i}.", f"Paris{i}", f"Rome{i}")
                for i in range(MIN_COUNT)]
    choice = choose(parallel, slot_texts, lambda e: TOOLS)
    assert choice == {"context": 1, "counts": {"1": [MIN_COUNT, 0], "2": [MIN_COUNT, 0], "3": [0, 0]}}
    # single-call answers whose question repeats the words: one word of context would spoil them
    single = [answer(f"Weather in Oslo{i}, then in Rome{i} the trains.", f"Oslo{i}") for i in range(3)]
    choice = choose(parallel + single, slot_texts, lambda e: TOOLS)
    assert choice["context"] == 2 and choice["counts"]["1"] == [MIN_COUNT, 3]
    # too few gains: not listed
    assert choose(parallel[:MIN_COUNT - 1], slot_texts, lambda e: TOOLS)["context"] is None


def test_a_right_answer_of_several_calls_is_kept_or_counted_as_lost():
    right = [answer(f"Weather in Paris{i} for 3 days and weather in Rome{i} for 5 days.", f"Paris{i}", f"Rome{i}",
                    days=[3, 5]) for i in range(MIN_COUNT)]
    first = {"content": None, "tool_calls": right[0].target["tool_calls"][:1]}
    # two words of context group the cities but not the days: the first call alone would become
    # (Paris, 3), (Rome, 3); the right answer holds as many distinct calls as value sets and stays
    assert [c["arguments"]["days"] for c in expand(first, right[0].messages, slot_texts(right[0]), 2, TOOLS)[
        "tool_calls"]] == [3, 3]
    assert expand(right[0].target, right[0].messages, slot_texts(right[0]), 2, TOOLS) == right[0].target
    assert choose(right, slot_texts, lambda e: TOOLS)["counts"] == {"1": [MIN_COUNT, 0], "2": [0, 0], "3": [0, 0]}
    # a right answer of two calls where the question writes a third city after "in": its own
    # expansion adds a call, so it counts as lost although it is no single call
    lost = [answer(f"Weather in Paris{i} and in Rome{i}; the trains in Oslo{i} are late.", f"Paris{i}", f"Rome{i}")
            for i in range(3)]
    assert choose(right + lost, slot_texts, lambda e: TOOLS)["counts"]["1"] == [MIN_COUNT, 3]


def test_add_to_specialist_lists_the_feature(tmp_path):
    rows = [{"format": 1, "id": f"r{i}", "tools": TOOLS, "messages": e.messages, "target": e.target}
            for i, e in enumerate(answer(f"Weather in Paris{i}, weather in Rome{i}.", f"Paris{i}", f"Rome{i}")
                                  for i in range(10))]
    write_cluster(tmp_path, "c001", rows, tools=TOOLS)
    specialist = tmp_path / "specialists" / "c001"
    specialist.mkdir(parents=True)
    (specialist / "specialist.json").write_text(json.dumps({"prompt_features": ["call_limit"],
                                                            "slots": {"max_slots": 64}}))
    choice = add_to_specialist(tmp_path, "c001", specialist)
    info = json.loads((specialist / "specialist.json").read_text())
    assert choice["context"] == 1 and info["prompt_features"] == ["call_limit", "sibling_calls"]
    assert info["sibling_calls"] == choice and choice["counts"]["1"] == [8, 0]  # the training split's rows
