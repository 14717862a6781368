"""Prompt feature previous_files: a file argument whose training answers, when the question names no
file, take the file the conversation last wrote under its key ("jot down 'x' into the previous
file" → echo into the file an earlier touch created) gets that file after decoding (the Swift
engine applies the same rule to the same golden file, PreviousFilesTests); chosen only where the
training answers follow the rule."""

import json
from pathlib import Path

from distill.trainer.dataset import Example
from distill.trainer.golden_features import previous_files_cases
from distill.trainer.previous_files import choose, fill, is_file_name, names_a_file
from distill.trainer.refit import refit
from distill.trainer.remembered_keys import MIN_COUNT
from distill.trainer.tests.trainer_fixtures import refittable_specialist

GOLDEN = Path(__file__).parent / "golden" / "previous_files.jsonl"
TOOLS = [{"name": "touch", "parameters": {"type": "object", "properties": {"file_name": {"type": "string"}}}},
         {"name": "echo", "parameters": {"type": "object", "properties": {
             "content": {"type": "string"}, "file_name": {"type": "string"}}}}]


def echo_after_touch(i: int, question: str, file_name: str) -> Example:
    """A conversation that created `f{i}.txt`, then `question`, answered by echo into `file_name`."""
    return Example(f"e{i}", [{"role": "user", "content": f"Create 'f{i}.txt'."},
                             {"role": "assistant", "content": None,
                              "tool_calls": [{"name": "touch", "arguments": {"file_name": f"f{i}.txt"}}]},
                             {"role": "user", "content": question}],
                   {"content": None, "tool_calls": [{"name": "echo", "arguments": {"content": f"c{i}",
                                                                                   "file_name": file_name}}]})


def test_fills_match_the_golden_file():
    lines = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert lines == previous_files_cases()
    first = lines[0]["filled"]["tool_calls"][0]["arguments"]
    assert first == {"content": "Innovation ignites growth.", "file_name": "TeamNotes.txt"}
    by_name = {line["name"]: line for line in lines}
    kept = by_name["a_quoted_file_name_leaves_the_answer"]
    assert kept["filled"] == kept["response"]
    # curly quotes, NBSP, "…", "—", «», "。" around notes.txt: the question names it, the answer stays
    punctuated = [line for line in lines if line["name"].startswith("a_file_name_with_")]
    assert len(punctuated) == 8 and all(line["names_a_file"] and line["filled"] == line["response"]
                                        for line in punctuated)
    # a quoted name without a file extension is the user's file; a span the content holds too is not
    for name in ("a_quoted_name_without_an_extension_is_kept", "a_quoted_name_with_a_one_letter_extension_is_kept"):
        assert not by_name[name]["names_a_file"] and by_name[name]["filled"] == by_name[name]["response"]
    copied = by_name["a_quoted_span_another_argument_holds_is_filled"]["filled"]["tool_calls"][0]["arguments"]
    assert copied["file_name"] == "TeamNotes.txt"


def test_file_names():
    assert names_a_file("put it in report_2024.txt please") and names_a_file("in '/temp/a.csv'")
    assert not names_a_file("Innovation ignites growth. Thanks, e.g. v1.2 of main.c")
    assert names_a_file("“notes.txt”") and names_a_file("写入notes.txt。") and names_a_file("see notes.txt—it")
    assert names_a_file("café.txt") and names_a_file("📄plan.md") and not names_a_file("notes.txté")
    assert is_file_name("TeamNotes.txt") and not is_file_name("Simona") and not is_file_name("a.txt b")


def test_an_argument_is_chosen_when_training_answers_take_the_previous_file():
    previous = [echo_after_touch(i, f"Write 'c{i}' into the previous file.", f"f{i}.txt") for i in range(MIN_COUNT)]
    named = [echo_after_touch(i, f"Write 'c{i}' into n{i}.md.", f"n{i}.md") for i in range(10)]
    choice = choose(previous + named, TOOLS)
    # only the calls whose question names no file count
    assert choice == {"arguments": [{"tool": "echo", "key": "file_name"}], "counts": {"echo.file_name": [5, 5]}}
    # too few answers show the habit
    assert choose(previous[:MIN_COUNT - 1] + named, TOOLS)["arguments"] == []
    # MIN_SHARE is 85%: five of six is too few
    other = echo_after_touch(9, "Write 'c9' into the previous file.", "elsewhere.txt")
    assert choose(previous + [other], TOOLS)["arguments"] == []
    assert choose(previous + [other, echo_after_touch(8, "Put 'c8' in it.", "f8.txt")], TOOLS)["counts"] == {
        "echo.file_name": [6, 7]}
    # values that are no file names make no candidate
    words = [echo_after_touch(i, f"Write 'c{i}' there.", f"f{i}") for i in range(MIN_COUNT)]
    assert choose(words, TOOLS)["arguments"] == []


def test_the_fill_sets_the_previous_file_only_when_the_question_names_none():
    rules = [{"tool": "echo", "key": "file_name"}]
    wrong = {"content": None, "tool_calls": [{"name": "echo", "arguments": {"content": "x", "file_name": "Simona"}}]}
    asked = echo_after_touch(1, "Jot down 'x' from Simona into the previous file.", "f1.txt").messages
    assert fill(wrong, asked, rules, TOOLS)["tool_calls"][0]["arguments"]["file_name"] == "f1.txt"
    named = echo_after_touch(1, "Jot down 'x' into ideas.txt.", "ideas.txt").messages
    assert fill(wrong, named, rules, TOOLS) == wrong


def test_refit_lists_the_feature_in_a_trained_specialist(tmp_path):
    examples = [echo_after_touch(i, f"Write 'c{i}' into the previous file.", f"f{i}.txt") for i in range(8)]
    specialist = refittable_specialist(tmp_path, examples, TOOLS)
    refit(tmp_path, "c001", specialist)  # the scratch recipe turns previous_files on
    info = json.loads((specialist / "specialist.json").read_text())
    assert "previous_files" in info["prompt_features"]
    assert info["previous_files"]["arguments"] == [{"tool": "echo", "key": "file_name"}]
    right, seen = info["previous_files"]["counts"]["echo.file_name"]  # the training split's rows
    assert right == seen >= MIN_COUNT
    refit(tmp_path, "c001", specialist, features=["cue_values"])  # left out of --features: dropped
    info = json.loads((specialist / "specialist.json").read_text())
    assert "previous_files" not in info["prompt_features"] and "previous_files" not in info
