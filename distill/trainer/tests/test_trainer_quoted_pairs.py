"""Prompt feature quoted_pairs: a two-argument tool whose training answers take the question's two
quoted spans in order ("compare 'a.txt' and 'b.txt'" → diff) gets them after decoding (the Swift
engine applies the same rule to the same golden file, QuotedPairsTests); chosen only where the
training answers follow the rule."""

import json
from pathlib import Path

from distill.trainer.dataset import Example
from distill.trainer.golden_features import quoted_pairs_cases
from distill.trainer.quoted_pairs import choose, fill, quoted_spans
from distill.trainer.refit import refit
from distill.trainer.remembered_keys import MIN_COUNT
from distill.trainer.tests.trainer_fixtures import refittable_specialist

GOLDEN = Path(__file__).parent / "golden" / "quoted_pairs.jsonl"
TOOLS = [{"name": "diff", "parameters": {"type": "object", "properties": {
    "file_name1": {"type": "string"}, "file_name2": {"type": "string"}}, "required": ["file_name1", "file_name2"]}},
    {"name": "mv", "parameters": {"type": "object", "properties": {
        "source": {"type": "string"}, "destination": {"type": "string"}, "force": {"type": "boolean"}}}}]


def call_answer(question: str, name: str, **arguments) -> Example:
    return Example("e", [{"role": "user", "content": question}],
                   {"content": None, "tool_calls": [{"name": name, "arguments": arguments}]})


def test_fills_match_the_golden_file():
    lines = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert lines == quoted_pairs_cases()
    assert lines[0]["filled"]["tool_calls"][0]["arguments"] == {"file_name1": "a.txt", "file_name2": "b.txt"}
    typed = next(line for line in lines if line["name"] == "keys_in_the_rules_order_typed_by_the_schema")
    assert typed["filled"]["tool_calls"][0]["arguments"] == {"file_name": "notes.md", "lines": 3}


def test_quoted_spans():
    assert quoted_spans("diff 'a.txt' and \"b c\" then 'a.txt'") == ["a.txt", "b c"]
    assert quoted_spans("Kelly's report and Tom's") == []  # an apostrophe after a letter opens none
    assert quoted_spans("'x\ny' 'z'") == ["z"]  # no span across a line feed
    # named_values' spans: curly or mixed quotes close, an empty pair is none, a last comma is dropped
    assert quoted_spans("diff 'a.txt’ and “b.txt” then 'notes,'") == ["a.txt", "b.txt", "notes"]
    assert quoted_spans("diff '' and 'b.txt'") == ["b.txt"]


def test_a_pair_is_chosen_when_training_answers_take_the_spans_in_order():
    right = [call_answer(f"Compare 'r{i}.txt' and 'o{i}.txt' please.", "diff", file_name1=f"r{i}.txt",
                         file_name2=f"o{i}.txt") for i in range(MIN_COUNT)]
    choice = choose(right, TOOLS)
    assert choice["pairs"] == [{"tool": "diff", "keys": ["file_name1", "file_name2"]}]
    assert choice["counts"] == {"diff.file_name1.file_name2": [MIN_COUNT, MIN_COUNT]}
    # the answers take them the other way round in most cases: not chosen
    reversed_ = [call_answer(f"Move into 'd{i}' the file 'f{i}.txt'.", "mv", source=f"f{i}.txt", destination=f"d{i}")
                 for i in range(MIN_COUNT + 2)]
    assert choose(reversed_, TOOLS) == {"pairs": [], "counts": {}}
    # questions quoting one or three spans do not count
    others = [call_answer(f"Compare 'r{i}.txt' with 'o{i}.txt' and 'x.txt'.", "diff", file_name1="x.txt",
                          file_name2=f"r{i}.txt") for i in range(MIN_COUNT)]
    assert choose(right + others, TOOLS)["counts"] == {"diff.file_name1.file_name2": [MIN_COUNT, MIN_COUNT]}
    # too few answers show the habit
    assert choose(right[:MIN_COUNT - 1], TOOLS)["pairs"] == []


def test_the_fill_sets_both_keys_of_a_call_that_writes_them():
    pairs = [{"tool": "diff", "keys": ["file_name1", "file_name2"]}]
    messages = [{"role": "user", "content": "Show what differs between 'ideas.txt' and 'TeamNotes.txt'."}]
    twice = {"content": None, "tool_calls": [{"name": "diff", "arguments": {"file_name1": "TeamNotes.txt",
                                                                            "file_name2": "TeamNotes.txt"}}]}
    assert fill(twice, messages, pairs, TOOLS)["tool_calls"][0]["arguments"] == {
        "file_name1": "ideas.txt", "file_name2": "TeamNotes.txt"}
    text = {"content": "Which files?", "tool_calls": []}
    assert fill(text, messages, pairs, TOOLS) == text


def test_refit_lists_the_feature_in_a_trained_specialist(tmp_path):
    specialist = refittable_specialist(tmp_path, [call_answer(f"Compare 'r{i}.txt' and 'o{i}.txt'.", "diff",
                                                              file_name1=f"r{i}.txt", file_name2=f"o{i}.txt")
                                                  for i in range(8)], TOOLS)
    refit(tmp_path, "c001", specialist)  # the scratch recipe turns quoted_pairs (and named_values) on
    info = json.loads((specialist / "specialist.json").read_text())
    # the two unnamed quoted spans go to diff's string keys in schema order: named_values lists them too
    assert info["prompt_features"] == ["retrieval_hint", "named_values", "quoted_pairs", "complete_calls"]
    assert info["quoted_pairs"]["pairs"] == [{"tool": "diff", "keys": ["file_name1", "file_name2"]}]
    right, seen = info["quoted_pairs"]["counts"]["diff.file_name1.file_name2"]  # the training split's rows
    assert right == seen >= MIN_COUNT
    refit(tmp_path, "c001", specialist, features=["cue_values"])  # left out of --features: dropped
    info = json.loads((specialist / "specialist.json").read_text())
    assert info["prompt_features"] == ["retrieval_hint"] and "quoted_pairs" not in info


def test_a_pair_needs_the_share_and_of_a_tools_pairs_the_earlier_wins_a_tie():
    def answers(right: int, wrong: int) -> list[Example]:
        return ([call_answer(f"Compare 'r{i}.txt' and 'o{i}.txt'.", "diff", file_name1=f"r{i}.txt",
                             file_name2=f"o{i}.txt") for i in range(right)]
                + [call_answer(f"Compare 'r{i}.txt' and 'o{i}.txt'.", "diff", file_name1=f"o{i}.txt",
                               file_name2=f"r{i}.txt") for i in range(wrong)])
    # MIN_SHARE is 85%: five of six (83%) is too few, six of seven (86%) enough
    assert choose(answers(5, 1), TOOLS) == {"pairs": [], "counts": {}}
    assert choose(answers(6, 1), TOOLS)["counts"] == {"diff.file_name1.file_name2": [6, 7]}
    # mv's source and destination, and source and note, are each right five times: source, destination listed
    tools = [{"name": "mv", "parameters": {"type": "object", "properties": {
        "source": {"type": "string"}, "destination": {"type": "string"}, "note": {"type": "string"}}}}]
    tied = [call_answer(f"Move 'f{i}.txt' to 'd{i}'.", "mv", source=f"f{i}.txt", destination=f"d{i}", note=f"d{i}")
            for i in range(MIN_COUNT)]
    assert choose(tied, tools)["pairs"] == [{"tool": "mv", "keys": ["source", "destination"]}]
    reordered = [{"name": "mv", "parameters": {"type": "object", "properties": {
        "source": {"type": "string"}, "note": {"type": "string"}, "destination": {"type": "string"}}}}]
    assert choose(tied, reordered)["pairs"] == [{"tool": "mv", "keys": ["source", "note"]}]
