"""Prompt feature named_values: an argument whose training answers take the quoted span or number the
question names for it ("titled 'Billing Concern'", "priority level of 3", or the quoted spans in
order) gets that value after decoding (the Swift engine applies the same rule to the same golden
file, NamedValuesTests); chosen only where the training answers follow the rule."""

import json
from pathlib import Path

from distill.trainer.dataset import Example
from distill.trainer.golden_features import TICKET_TOOLS, named_values_cases
from distill.trainer.named_values import choose, claimed_spans, fill, named_number, string_keys
from distill.trainer.remembered_keys import MIN_COUNT

GOLDEN = Path(__file__).parent / "golden" / "named_values.jsonl"


def ticket(question: str, **arguments) -> Example:
    return Example("e", [{"role": "user", "content": question}],
                   {"content": None, "tool_calls": [{"name": "create_ticket", "arguments": arguments}]})


def test_fills_match_the_golden_file():
    lines = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert lines == named_values_cases()
    swapped = lines[0]["filled"]["tool_calls"][0]["arguments"]
    assert swapped == {"title": "emergency", "description": "Initial plan.", "priority": 3}


def test_names_words_spans_and_numbers():
    assert named_number("a priority-2 ticket", "priority") == "2"
    assert named_number("with priority to a level 5", "priority") == "5"
    assert named_number("priority matters more than anything else, 5", "priority") is None  # 4 words between
    assert named_number("high-priority 'x' for 2 days", "priority") is None  # a quote between
    assert named_number("priority 3.5x", "priority") is None  # not a whole number
    keys = string_keys(TICKET_TOOLS)
    assert keys == ["username", "password", "title", "description", "resolution"]
    # the nearest naming word claims a span: "title and description 'x'" is the description's
    assert claimed_spans("same title and description 'x' now", keys) == [("description", "x")]
    # an apostrophe after a letter opens no span; a comma before the closing quote is dropped
    assert claimed_spans("I've named 'Alert,' then 'B'", keys) == [(None, "Alert"), (None, "B")]


def test_the_fill_keeps_empty_and_unwritten_arguments_and_other_tools():
    rules = [{"tool": "create_ticket", "key": "title"}, {"tool": "create_ticket", "key": "description"}]
    answer = {"content": None, "tool_calls": [
        {"name": "create_ticket", "arguments": {"title": "Made up", "description": ""}},
        {"name": "resolve_ticket", "arguments": {"ticket_id": 1, "resolution": "Made up"}}]}
    filled = fill(answer, [{"role": "user", "content": "Ticket 'Outage', then resolution 'Done'."}], rules, TICKET_TOOLS)
    assert filled["tool_calls"][0]["arguments"] == {"title": "Outage", "description": ""}
    assert filled["tool_calls"][1] == answer["tool_calls"][1]


def test_arguments_are_chosen_when_the_training_answers_follow_the_rule():
    right = [ticket(f"File a priority {i % 5 + 1} ticket titled 'Issue {i}' with description 'Text {i}.'",
                    title=f"Issue {i}", description=f"Text {i}.", priority=i % 5 + 1) for i in range(MIN_COUNT + 1)]
    choice = choose(right, TICKET_TOOLS)
    assert choice["arguments"] == [{"tool": "create_ticket", "key": key} for key in ("description", "priority", "title")]
    assert choice["counts"]["create_ticket.priority"] == [MIN_COUNT + 1, MIN_COUNT + 1]
    # the answers write another priority than the question names: priority is not chosen
    wrong = [ticket(f"A priority {i % 5 + 1} ticket titled 'Issue {i}'", title=f"Issue {i}", priority=5)
             for i in range(1, MIN_COUNT + 3)]
    assert choose(right[:1] + wrong, TICKET_TOOLS)["arguments"] == [{"tool": "create_ticket", "key": "title"}]
    # values the answers write but the question does not quote are never candidates
    invented = [ticket(f"A ticket titled 'Issue {i}'", title=f"Issue {i}", description="Invented") for i in range(6)]
    assert {"tool": "create_ticket", "key": "description"} not in choose(invented, TICKET_TOOLS)["arguments"]


def test_the_limits_of_listing():
    def right(count):
        return [ticket(f"A ticket titled 'Issue {i}'", title=f"Issue {i}") for i in range(count)]

    # the answer writes another quoted span of the question as the title: a candidate the fill gets wrong
    wrong = [ticket(f"A ticket titled 'Issue {i}' for 'Team'", title="Team") for i in range(4)]
    title = [{"tool": "create_ticket", "key": "title"}]
    assert choose(right(MIN_COUNT - 1), TICKET_TOOLS)["arguments"] == []
    assert choose(right(MIN_COUNT), TICKET_TOOLS) == {"arguments": title, "counts": {"create_ticket.title": [5, 5]}}
    assert choose(right(17) + wrong[:3], TICKET_TOOLS) == {"arguments": title, "counts": {"create_ticket.title": [17, 20]}}
    assert choose(right(16) + wrong, TICKET_TOOLS)["arguments"] == []


def test_the_counts_recorded_are_those_of_the_listed_set():
    # With title and description listed the spans in order fill both on the 7 quoted titles; title
    # takes 'B' on the 2 unquoted ones (7/9) and drops out, leaving description unfilled there
    # ([7, 7]). Listed alone, description is rescored: the title's written span is held, so it
    # takes 'B' on all 9 ([9, 9], the counts of the rule that ships).
    quoted = [ticket(f"Open 'A{i}' about 'B{i}'", title=f"A{i}", description=f"B{i}") for i in range(7)]
    unquoted = [ticket(f"Open Outage ticket about 'B{i}'", title="Outage", description=f"B{i}") for i in range(2)]
    assert choose(quoted + unquoted, TICKET_TOOLS) == {
        "arguments": [{"tool": "create_ticket", "key": "description"}], "counts": {"create_ticket.description": [9, 9]}}
