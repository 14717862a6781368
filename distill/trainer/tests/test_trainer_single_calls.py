"""Prompt feature single_calls: a tool no training answer calls twice keeps only its first call in
an answer (the Swift engine cuts the same golden answers, SingleCallsTests)."""

import json
from pathlib import Path

from distill.trainer.dataset import Example
from distill.trainer.golden_features import single_calls_cases
from distill.trainer.remembered_keys import MIN_COUNT
from distill.trainer.single_calls import choose, cut

GOLDEN = Path(__file__).parent / "golden" / "single_calls.jsonl"
TOOLS = [{"name": "get_zipcode"}, {"name": "create_ticket"}, {"name": "close_ticket"}]


def answer(*names: str) -> Example:
    return Example("e", [{"role": "user", "content": "x"}],
                   {"content": None, "tool_calls": [{"name": n, "arguments": {"k": i}} for i, n in enumerate(names)]})


def test_cuts_match_the_golden_file():
    lines = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert lines == single_calls_cases()
    assert [c["arguments"]["distance"] for c in lines[0]["cut"]["tool_calls"]] == [750.0]
    assert [c["name"] for c in lines[1]["cut"]["tool_calls"]] == ["create_ticket", "get_zipcode", "get_zipcode",
                                                                  "close_ticket"]


def test_tools_called_twice_in_training_are_not_listed():
    examples = [answer("get_zipcode", "get_zipcode", "create_ticket")] + [answer("create_ticket", "close_ticket")] * MIN_COUNT
    assert choose(examples, TOOLS) == {"tools": ["create_ticket", "close_ticket"]}


def test_tools_seldom_called_in_training_are_not_listed():
    # close_ticket: one answer short of MIN_COUNT; get_zipcode never called: no habit shown either way
    examples = [answer("create_ticket", "close_ticket")] * (MIN_COUNT - 1) + [answer("create_ticket")]
    assert choose(examples, TOOLS) == {"tools": ["create_ticket"]}
    # no training answer has two calls: nothing is listed
    assert choose([answer("create_ticket"), answer("close_ticket")], TOOLS) == {"tools": []}


def test_an_answer_keeps_the_first_call_to_a_listed_tool():
    response = answer("create_ticket", "create_ticket", "close_ticket").target
    assert [c["arguments"]["k"] for c in cut(response, ["create_ticket"])["tool_calls"]] == [0, 2]
    assert cut(response, []) == response
