"""Prompt feature distinct_slots: within one call decoding never writes a slot the call already
wrote (the golden file holds what the rule bans piece by piece; the Swift engine checks it too,
DistinctSlotsTests), and the feature is listed only where no training call repeats a value."""

import json
from pathlib import Path

from distill.trainer.distinct_slots import repeating_calls
from distill.trainer.golden_features import distinct_slots_cases

GOLDEN = Path(__file__).parent / "golden"


def test_golden_file_is_what_the_rule_bans():
    cases = [json.loads(line) for line in (GOLDEN / "distinct_slots.jsonl").read_text().splitlines()]
    assert cases == distinct_slots_cases(GOLDEN / "tiny-specialist")
    # The file pins a ban, its end at the next call, and a call start written in ordinary pieces.
    banned = {c["name"]: c["banned"] for c in cases}
    assert banned["second_argument_other_slot"][2] == ["<S0>"]
    assert banned["new_call_frees_the_slots"][4] == []
    assert banned["call_start_from_pieces"][7] == []


def test_repeated_values_are_counted_per_call_at_any_depth():
    def call(**arguments):
        return {"name": "t", "arguments": arguments}

    answers = [
        {"content": None, "tool_calls": [call(a="x", b="y"), call(a="x")]},  # across calls: allowed
        {"content": None, "tool_calls": [call(a="x", b=["y", "x"])]},  # nested: a repeat
        {"content": None, "tool_calls": [call(a=1, b=1.0)]},  # one number slot: a repeat
        {"content": None, "tool_calls": [call(a="1", b=1, c=True, d=True)]},  # text vs number; booleans
        {"content": "text", "tool_calls": []},
    ]
    assert repeating_calls(answers) == 2
    assert repeating_calls(answers[:1]) == 0
