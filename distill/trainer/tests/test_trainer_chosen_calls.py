"""Prompt feature chosen_calls: an argument-less tool tool_choice chooses and the answer leaves out
is called where the training answers put it (the Swift engine fills the same golden answers,
ChosenCallsTests)."""

import json
from pathlib import Path

from distill.trainer.chosen_calls import choose, fill, in_fill_order
from distill.trainer.dataset import Example
from distill.trainer.golden_features import chosen_calls_cases
from distill.trainer.remembered_keys import MIN_COUNT

GOLDEN = Path(__file__).parent / "golden" / "chosen_calls.jsonl"
TOOLS = [{"name": "check_tire_pressure", "parameters": {"type": "object", "properties": {}}},
         {"name": "find_nearest_tire_shop", "parameters": {"type": "object", "properties": {}}},
         {"name": "set_navigation", "parameters": {"type": "object", "properties": {"destination": {"type": "string"}}}}]


def answer(question: str, *names: str) -> Example:
    return Example("e", [{"role": "user", "content": question}],
                   {"content": None, "tool_calls": [{"name": n, "arguments": {}} for n in names]})


def test_fills_match_the_golden_file():
    lines = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert lines == chosen_calls_cases()
    named = {case["name"]: [c["name"] for c in case["filled"]["tool_calls"]] for case in lines}
    assert named["left_out_after_its_predecessor"] == ["check_tire_pressure", "find_nearest_tire_shop", "set_navigation"]
    assert named["after_the_last_predecessor"] == ["lockDoors", "startEngine", "lockDoors", "check_tire_pressure",
                                                   "displayCarStatus"]
    assert named["not_chosen"] == named["nothing_chosen"] == named["empty_choice"] == ["set_navigation"]
    assert named["both_inserted_in_listing_order"] == ["lockDoors", "check_tire_pressure", "find_nearest_tire_shop",
                                                       "set_navigation"]
    # listed the other way round the engines keep the file's order: choose() never lists it so
    assert named["rules_run_in_file_order"] == ["find_nearest_tire_shop", "lockDoors", "check_tire_pressure",
                                                "set_navigation"]


def test_a_tool_called_whenever_chosen_is_listed_after_the_tools_before_it():
    examples = [answer(f"tires {i}", "check_tire_pressure", "find_nearest_tire_shop") for i in range(MIN_COUNT)]
    chosen = choose(examples, TOOLS, lambda e: ["check_tire_pressure", "find_nearest_tire_shop"])
    assert chosen["tools"] == [{"tool": "check_tire_pressure", "after": []},
                               {"tool": "find_nearest_tire_shop", "after": ["check_tire_pressure"]}]
    assert chosen["counts"] == {"check_tire_pressure": [MIN_COUNT, MIN_COUNT],
                                "find_nearest_tire_shop": [MIN_COUNT, MIN_COUNT]}


def test_tools_with_arguments_seldom_chosen_or_left_out_when_chosen_are_not_listed():
    # set_navigation takes an argument: never listed, however often it is chosen and called
    examples = [answer(f"go {i}", "set_navigation") for i in range(MIN_COUNT)]
    assert choose(examples, TOOLS, lambda e: ["set_navigation"])["tools"] == []
    # chosen for 5 distinct questions, called by 4 answers (80% < 85%): not listed
    examples = [answer(f"tires {i}", "check_tire_pressure") for i in range(MIN_COUNT - 1)] + [answer("x", "set_navigation")]
    assert choose(examples, TOOLS, lambda e: ["check_tire_pressure"])["tools"] == []
    # one question repeated (BFCL variants) counts once: not enough distinct questions
    examples = [answer("tires", "check_tire_pressure")] * (MIN_COUNT + 2)
    assert choose(examples, TOOLS, lambda e: ["check_tire_pressure"])["tools"] == []


def test_nothing_is_added_to_a_text_answer_or_where_nothing_was_chosen():
    rules = [{"tool": "find_nearest_tire_shop", "after": ["check_tire_pressure"]}]
    text = {"content": "Done.", "tool_calls": []}
    assert fill(text, ["find_nearest_tire_shop"], rules) == text
    calls = answer("q", "check_tire_pressure").target
    assert fill(calls, None, rules) == calls
    assert [c["name"] for c in fill(calls, ["find_nearest_tire_shop"], rules)["tool_calls"]] == [
        "check_tire_pressure", "find_nearest_tire_shop"]


def test_a_tool_is_listed_after_the_listed_tool_it_follows_whatever_the_cluster_order():
    # the cluster lists the tire shop first; the answers check the pressure after locking the
    # doors and look for the shop after checking: the listing puts the check first, so the shop
    # lands after the check the fill inserted
    tools = [TOOLS[1], TOOLS[0], TOOLS[2], {"name": "lockDoors", "parameters": {"type": "object", "properties": {
        "door": {"type": "array"}}}}]
    examples = [answer(f"tires {i}", "lockDoors", "check_tire_pressure", "find_nearest_tire_shop")
                for i in range(MIN_COUNT)]
    chosen = choose(examples, tools, lambda e: ["check_tire_pressure", "find_nearest_tire_shop"])
    assert chosen["tools"] == [{"tool": "check_tire_pressure", "after": ["lockDoors"]},
                               {"tool": "find_nearest_tire_shop", "after": ["check_tire_pressure", "lockDoors"]}]
    response = answer("q", "lockDoors", "set_navigation").target
    assert [c["name"] for c in fill(response, ["check_tire_pressure", "find_nearest_tire_shop"],
                                    chosen["tools"])["tool_calls"]] == [
        "lockDoors", "check_tire_pressure", "find_nearest_tire_shop", "set_navigation"]


def test_the_fill_order_keeps_cluster_order_where_nothing_orders_two_and_breaks_a_cycle():
    free = [{"tool": "a", "after": []}, {"tool": "b", "after": []}]
    assert in_fill_order(free) == free
    cycle = [{"tool": "a", "after": ["c"]}, {"tool": "b", "after": ["a"]}, {"tool": "c", "after": ["b"]}]
    assert [r["tool"] for r in in_fill_order(cycle)] == ["a", "b", "c"]


def test_after_needs_more_than_half_of_the_answers_calling_both():
    # set_navigation comes before the check in exactly half the answers calling both: not `after`
    examples = ([answer(f"a {i}", "set_navigation", "check_tire_pressure") for i in range(3)]
                + [answer(f"b {i}", "check_tire_pressure", "set_navigation") for i in range(3)])
    assert choose(examples, TOOLS, lambda e: ["check_tire_pressure"])["tools"] == [
        {"tool": "check_tire_pressure", "after": []}]
    examples.append(answer("c", "set_navigation", "check_tire_pressure"))
    assert choose(examples, TOOLS, lambda e: ["check_tire_pressure"])["tools"] == [
        {"tool": "check_tire_pressure", "after": ["set_navigation"]}]


def test_distinct_questions_are_the_last_user_messages():
    # five conversations ending in the same tool result: five distinct questions before it
    examples = [Example("e", [{"role": "user", "content": f"tires {i}"}, {"role": "tool", "content": "ok"}],
                        {"content": None, "tool_calls": [{"name": "check_tire_pressure", "arguments": {}}]})
                for i in range(MIN_COUNT)]
    assert choose(examples, TOOLS, lambda e: ["check_tire_pressure"])["tools"] == [
        {"tool": "check_tire_pressure", "after": []}]


def test_the_choice_is_cross_fitted_so_a_memorised_answer_does_not_list_a_tool():
    import numpy as np

    from distill.trainer.chosen_calls import cross_fitted
    from distill.trainer.tool_choice import ToolChoice

    names = [t["name"] for t in TOOLS]
    # five tire questions among ten navigation ones, every question's embedding its own direction:
    # nothing in a new tire question tells the classifier it is one
    examples = [answer(f"tires {i}", "check_tire_pressure") for i in range(5)] + [
        answer(f"go {i}", "set_navigation") for i in range(10)]
    alone = np.eye(15)
    fitted = ToolChoice.fit(examples, names, alone)
    in_sample = {id(e): fitted.chosen(q, e.messages) for e, q in zip(examples, alone)}
    assert choose(examples, TOOLS, lambda e: in_sample[id(e)])["tools"] == [{"tool": "check_tire_pressure", "after": []}]
    crossed = cross_fitted(examples, names, alone)
    assert choose(examples, TOOLS, lambda e: crossed[id(e)])["tools"] == []
    # the tire questions share a direction: a held-out one is still chosen the tool, and listed
    shared = alone.copy()
    shared[:5, 0] = 3.0
    crossed = cross_fitted(examples, names, shared)
    assert choose(examples, TOOLS, lambda e: crossed[id(e)])["tools"] == [{"tool": "check_tire_pressure", "after": []}]


def test_the_trainers_evaluation_fills_also_where_the_nearest_hint_is_text(tmp_path, monkeypatch):
    """tool_choice restricts decoding whatever the nearest hint, so chosen_calls' fill gets the
    choice there too (the Swift engine alike, ChosenCallsTests)."""
    from accelerate import Accelerator

    from distill.trainer import run
    from distill.trainer.hint_tools import nearest_tools
    from distill.trainer.retrieval import Embedder, RetrievalIndex, query_text
    from distill.trainer.tests.test_trainer_run import TINY
    from distill.trainer.tests.trainer_fixtures import TOOLS, booking_examples, write_cluster

    rows = booking_examples(80)
    for index in range(0, len(rows), 4):  # every fourth answer is text: its neighbours' hint is text
        rows[index] = {**rows[index], "messages": [{"role": "user", "content": f"Are you open on day {index}?"}],
                       "target": {"content": "Yes, from noon.", "tool_calls": []}}
    write_cluster(tmp_path, "c001", rows)
    # a listed rule, so that the run hands evaluate its choice per answer
    monkeypatch.setattr(run.chosen_calls, "choose", lambda *_: {
        "tools": [{"tool": "cancel_booking", "after": []}], "counts": {"cancel_booking": [5, 5]}})
    seen, evaluate = {}, run.evaluate

    def spy(model, tokenizer, features, *args, **kwargs):  # keeps the held-out answers and their choice
        seen.update(features=features, chosen_for=kwargs["chosen_for"])
        return evaluate(model, tokenizer, features, *args, **kwargs)

    monkeypatch.setattr(run, "evaluate", spy)
    overrides = {**TINY, "retrieval_hint": 2, "recent_slots": True, "hint_tools": True, "tool_choice": True,
                 "chosen_calls": True}
    options = run.Options(recipe="scratch", max_steps=12, recipe_overrides=overrides, eval_examples=8)
    out = Path(run.train_cluster(tmp_path, "c001", options, Accelerator(cpu=True), lambda event: None)["specialist"])
    index, embedder = RetrievalIndex.load(out), Embedder()
    names = [t["name"] for t in TOOLS]
    text_hinted = [f for f in seen["features"]
                   if not nearest_tools(index.hint(embedder.embed([query_text(f.example.messages)])[0]), names)]
    assert text_hinted  # the premise: some held-out answers' nearest hint is a text answer
    for feature in text_hinted:
        assert seen["chosen_for"](feature), query_text(feature.example.messages)
