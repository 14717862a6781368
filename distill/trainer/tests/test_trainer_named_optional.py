"""Prompt feature named_optional: an optional argument the training answers write exactly when the
question names it (ticket's create_ticket priority) is dropped after decoding where the question
does not (the Swift engine applies the same rule to the same golden file, NamedOptionalTests);
chosen only where the training answers follow the rule."""

import json
from pathlib import Path

from distill.trainer.dataset import Example
from distill.trainer.golden_features import named_optional_cases
from distill.trainer.named_optional import choose, fill
from distill.trainer.refit import refit
from distill.trainer.remembered_keys import MIN_COUNT, MIN_EXCLUSIVE_COUNT
from distill.trainer.tests.trainer_fixtures import refittable_specialist

GOLDEN = Path(__file__).parent / "golden" / "named_optional.jsonl"
TOOLS = [{"name": "open_ticket", "parameters": {"type": "object", "properties": {
    "title": {"type": "string"}, "priority": {"type": "integer"}, "deadline": {"type": "string"}},
    "required": ["title"]}}]


def answer(question: str, **arguments) -> Example:
    return Example("e", [{"role": "user", "content": question}],
                   {"content": None, "tool_calls": [{"name": "open_ticket", "arguments": arguments}]})


def habit(count: int) -> list[Example]:
    """Training answers writing priority exactly when the question says it."""
    return ([answer(f"Open 'T{i}' at priority {i}.", title=f"T{i}", priority=i) for i in range(count - count // 2)]
            + [answer(f"Open 'T{i}'.", title=f"T{i}") for i in range(count // 2)])


def test_fills_match_the_golden_file():
    lines = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert lines == named_optional_cases()
    assert lines[0]["filled"]["tool_calls"][0]["arguments"] == {"title": "Outage"}
    assert lines[1]["filled"] == lines[1]["response"]


def test_an_argument_is_chosen_when_left_out_of_enough_unnamed_calls():
    # deadline is never named and never written; only the calls without a name word count
    assert choose(habit(2 * MIN_COUNT), TOOLS) == {
        "arguments": [{"tool": "open_ticket", "key": "deadline"}, {"tool": "open_ticket", "key": "priority"}],
        "exclusive": [], "counts": {"open_ticket.deadline": [2 * MIN_COUNT] * 4, "open_ticket.priority": [MIN_COUNT] * 4}}
    # priority written where the question does not name it (1 of 6): below the share
    written = [answer("Open 'U'.", title="U", priority=5)]
    assert choose(habit(2 * MIN_COUNT) + written, TOOLS)["arguments"] == [{"tool": "open_ticket", "key": "deadline"}]
    # 4 distinct unnamed questions (under MIN_COUNT), and the named calls repeat 4 questions (too
    # few for the lower bar, which needs MIN_COUNT distinct named ones); or one unnamed question
    # repeated: not chosen
    assert choose(habit(2 * MIN_COUNT - 2) + habit(8)[:4], TOOLS)["counts"].get("open_ticket.priority") is None
    assert choose([answer("Open 'T'.", title="T")] * 6, TOOLS)["counts"].get("open_ticket.priority") is None


def test_a_key_written_exactly_when_named_needs_fewer_unnamed_questions():
    # BFCL ticket's priority: left out of 3 distinct unnamed questions, written in every named one
    named = [answer(f"Open 'N{i}' at priority {i}.", title=f"N{i}", priority=i) for i in range(MIN_COUNT)]
    unnamed = [answer(f"Open 'U{i}'.", title=f"U{i}") for i in range(MIN_EXCLUSIVE_COUNT)]
    assert choose(named + unnamed, TOOLS)["counts"]["open_ticket.priority"] == [MIN_EXCLUSIVE_COUNT] * 4
    assert choose(named + unnamed, TOOLS)["exclusive"] == ["open_ticket.priority"]
    # fewer unnamed questions, a named call leaving it out, or too few named questions: not chosen
    assert "open_ticket.priority" not in choose(named + unnamed[1:], TOOLS)["counts"]
    not_written = [answer("Open 'W' at priority 2.", title="W")]
    assert "open_ticket.priority" not in choose(named + unnamed + not_written, TOOLS)["counts"]
    assert "open_ticket.priority" not in choose(named[1:] + unnamed, TOOLS)["counts"]

    # not every unnamed call leaves it out: 9 left out and 1 written (90%, above the share) over 3
    # distinct questions is no exclusive rule, so the full bar again
    written = [answer("Open 'U0'.", title="U0", priority=1)]
    assert "open_ticket.priority" not in choose(named + unnamed * 3 + written, TOOLS)["counts"]


def test_a_key_shorter_than_three_letters_keeps_the_full_bar():
    # file_system's `ls.a`: any word starting with "a" names it ("all", "and"), so "written exactly
    # when named" says little; "show the hidden files" would lose a: true
    def listing(key: str) -> list[Example]:
        tools = [{"name": "ls", "parameters": {"type": "object", "properties": {key: {"type": "boolean"}}}}]
        named = [Example("e", [{"role": "user", "content": f"Show {key} files in d{i}."}],
                         {"content": None, "tool_calls": [{"name": "ls", "arguments": {key: True}}]})
                 for i in range(MIN_COUNT)]
        unnamed = [Example("e", [{"role": "user", "content": f"Show the files in e{i}."}],
                           {"content": None, "tool_calls": [{"name": "ls", "arguments": {}}]})
                   for i in range(MIN_EXCLUSIVE_COUNT)]
        return choose(named + unnamed, tools)["arguments"]
    assert listing("all") == [{"tool": "ls", "key": "all"}]
    assert listing("a") == []


def test_the_fill_drops_only_unnamed_listed_arguments():
    listed = [{"tool": "open_ticket", "key": "priority"}]
    response = {"content": None, "tool_calls": [{"name": "open_ticket", "arguments": {"title": "A", "priority": 5}}]}
    assert fill(response, [{"role": "user", "content": "Open 'A'."}], listed, TOOLS)["tool_calls"][0]["arguments"] == {
        "title": "A"}
    assert fill(response, [{"role": "user", "content": "Open 'A', top Priority."}], listed, TOOLS) == response
    # the name word in a turn before a clarification counts; one before an answer with calls does not
    asked = [{"role": "user", "content": "A high-priority ticket."}, {"role": "assistant", "content": "Title?"},
             {"role": "user", "content": "Title 'A'."}]
    assert fill(response, asked, listed, TOOLS) == response
    calls = [{"name": "open_ticket", "arguments": {}}]
    called = [asked[0], {"role": "assistant", "content": None, "tool_calls": calls}, asked[2]]
    assert fill(response, called, listed, TOOLS)["tool_calls"][0]["arguments"] == {"title": "A"}


def test_refit_lists_the_feature_in_a_trained_specialist(tmp_path):
    specialist = refittable_specialist(tmp_path, habit(24), TOOLS)
    refit(tmp_path, "c001", specialist)  # the scratch recipe turns named_optional on
    info = json.loads((specialist / "specialist.json").read_text())
    assert "named_optional" in info["prompt_features"]
    assert {"tool": "open_ticket", "key": "priority"} in info["named_optional"]["arguments"]
    refit(tmp_path, "c001", specialist, features=["cue_values"])  # left out of --features: dropped
    info = json.loads((specialist / "specialist.json").read_text())
    assert "named_optional" not in info["prompt_features"] and "named_optional" not in info
