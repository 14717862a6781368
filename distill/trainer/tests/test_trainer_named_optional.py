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
from distill.trainer.remembered_keys import MIN_COUNT
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


def test_an_argument_is_chosen_when_written_exactly_when_named():
    # deadline is never named and never written: the habit holds for it too
    assert choose(habit(MIN_COUNT + 1), TOOLS) == {
        "arguments": [{"tool": "open_ticket", "key": "deadline"}, {"tool": "open_ticket", "key": "priority"}],
        "counts": {"open_ticket.deadline": [MIN_COUNT + 1, MIN_COUNT + 1],
                   "open_ticket.priority": [MIN_COUNT + 1, MIN_COUNT + 1]}}
    # priority written where the question does not name it (2 of 6): not the habit
    assert choose(habit(4) + [answer(f"Open 'U{i}'.", title=f"U{i}", priority=5) for i in range(2)],
                  TOOLS)["arguments"] == [{"tool": "open_ticket", "key": "deadline"}]
    # too few calls show it
    assert choose(habit(MIN_COUNT - 1), TOOLS)["arguments"] == []


def test_the_fill_drops_only_unnamed_listed_arguments():
    listed = [{"tool": "open_ticket", "key": "priority"}]
    response = {"content": None, "tool_calls": [{"name": "open_ticket", "arguments": {"title": "A", "priority": 5}}]}
    assert fill(response, [{"role": "user", "content": "Open 'A'."}], listed, TOOLS)["tool_calls"][0]["arguments"] == {
        "title": "A"}
    assert fill(response, [{"role": "user", "content": "Open 'A', top Priority."}], listed, TOOLS) == response


def test_refit_lists_the_feature_in_a_trained_specialist(tmp_path):
    specialist = refittable_specialist(tmp_path, habit(12), TOOLS)
    refit(tmp_path, "c001", specialist)  # the scratch recipe turns named_optional on
    info = json.loads((specialist / "specialist.json").read_text())
    assert "named_optional" in info["prompt_features"]
    assert {"tool": "open_ticket", "key": "priority"} in info["named_optional"]["arguments"]
    refit(tmp_path, "c001", specialist, features=["cue_values"])  # left out of --features: dropped
    info = json.loads((specialist / "specialist.json").read_text())
    assert "named_optional" not in info["prompt_features"] and "named_optional" not in info
