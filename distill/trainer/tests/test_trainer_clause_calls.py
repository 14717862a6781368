"""Prompt feature clause_calls: a question of several clauses is answered one clause at a time
(the Swift engine renders the same golden file, ClauseCallsTests); training answers that
decompose get one copy per clause."""

import json
from pathlib import Path

from distill.trainer.clause_calls import clause_copies, clause_prompts, merged, split_calls
from distill.trainer.dataset import Example
from distill.trainer.features import featured
from distill.trainer.golden_features import clause_calls_cases
from distill.trainer.prompt import parse_response, render_prompt, render_target
from distill.trainer.slots import restore_response

GOLDEN = Path(__file__).parent / "golden" / "clause_calls.jsonl"
WEATHER = {"name": "weather", "parameters": {"type": "object", "properties": {
    "city": {"type": "string"}, "days": {"type": "integer"}}, "required": ["city"]}}


def _call(city: str, days: int) -> dict:
    return {"name": "weather", "arguments": {"city": city, "days": days}}


def test_clause_prompts_match_the_golden_file():
    lines = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert lines == clause_calls_cases()
    assert len(lines[0]["prompts"]) == 3 and lines[-1]["prompts"] == []  # one clause: answered whole
    # each clause's own values are its first slots
    assert lines[0]["prompts"][1].endswith("<|clause|>Also, book <S0> for <S1>,<|answer|>")
    assert lines[0]["slots"][1][:2] == ["Luigi", "4"]


def test_calls_split_by_the_clause_that_writes_their_own_values():
    question = "Weather in Paris for 3 days. Also the weather in Rome for 3 days, and Oslo for 5 days."
    calls = [_call("Paris", 3), _call("Rome", 3), _call("Oslo", 5)]
    # 3 days is shared by two calls, so Rome's own value places it; Oslo's clause also has Rome
    assert split_calls(question, calls) == [[calls[0]], [calls[1], calls[2]]]
    assert split_calls(question, [calls[1], calls[0]]) is None  # against the clauses' order
    assert split_calls("Weather in Paris and Rome for 3 days.", calls[:2]) is None  # one clause
    # a call whose own values lie in two clauses does not decompose
    assert split_calls(question, [_call("Paris", 5)]) is None
    assert merged([None, {"content": None, "tool_calls": []}]) is None


def test_training_copies_answer_their_clause_with_its_values_first():
    question = "Weather in Paris for 3 days. Also the weather in Rome for 5 days."
    example = Example("e1", [{"role": "user", "content": question}],
                      {"content": None, "tool_calls": [_call("Paris", 3), _call("Rome", 5)]}, tools=[WEATHER])
    copies = clause_copies(example)
    assert [c.clause for c in copies] == [0, 1]
    for copy, city in zip(copies, ["Paris", "Rome"]):
        prompt = featured(render_prompt(copy.messages, 64, [WEATHER]), copy)
        target = render_target(copy.target, prompt)
        assert '"arguments":{' in target and target.count("<S0>") == 1  # the clause's city is <S0>
        restored = restore_response(parse_response(target), prompt.slots, [WEATHER])
        assert restored["tool_calls"] == [_call(city, {"Paris": 3, "Rome": 5}[city])]
    whole = render_prompt(example.messages, 64, [WEATHER])
    assert [p.text.count("<|clause|>") for p in clause_prompts(whole, question)] == [1, 1]
    assert clause_copies(Example("e2", example.messages, {"content": "No.", "tool_calls": []})) == []
