"""Prompt feature hint_tools: the nearest hint's tools are the only ones an answer may call (the Swift
engine applies the same rule, HintToolsTests); with clause_hint_tools the tools the question's
clauses pick join them (golden file clause_hint_tools.jsonl, which HintToolsTests reads too)."""

import json
import re
from pathlib import Path

import pytest
from accelerate import Accelerator

from distill.trainer.dataset import load_cluster
from distill.trainer.clause_tools import picked_tools
from distill.trainer.hint_tools import allowed_tools, banned_heads, nearest_tools
from distill.trainer.prompt import call_head
from distill.trainer.retrieval import HINT, Embedder, RetrievalIndex, query_text
from distill.trainer.run import Options, train_cluster
from distill.trainer.tests.test_trainer_run import TINY
from distill.trainer.tests.trainer_fixtures import TOOLS, booking_examples, write_cluster

NAMES = [t["name"] for t in TOOLS]
GOLDEN = Path(__file__).parent / "golden" / "clause_hint_tools.jsonl"


class Vocabulary:
    def __init__(self, tokens):
        self.tokens = {token: i for i, token in enumerate(tokens)}

    def get_vocab(self):
        return self.tokens


def test_only_the_nearest_hint_counts_and_a_text_neighbour_restricts_nothing():
    hint = HINT + call_head("rate_visit") + call_head("cancel_booking") + HINT + call_head("book_table")
    assert nearest_tools(hint, NAMES) == ["cancel_booking", "rate_visit"]
    assert nearest_tools(HINT + HINT + call_head("book_table"), NAMES) == []
    assert nearest_tools("", NAMES) == []
    vocabulary = Vocabulary(["<|end|>"] + [call_head(n) for n in NAMES] + [call_head("old_tool")])
    # Heads of tools outside the cluster's list (a tool only history called) are banned too.
    assert banned_heads(vocabulary, hint, NAMES, NAMES + ["old_tool"]) == [1, 4]
    assert banned_heads(vocabulary, HINT, NAMES, NAMES + ["old_tool"]) == []


def test_clause_picks_join_the_hints_tools_unless_the_hint_is_text():
    hint = HINT + call_head("rate_visit") + HINT + call_head("book_table")
    assert allowed_tools(hint, NAMES) == ["rate_visit"]
    assert allowed_tools(hint, NAMES, ["cancel_booking"]) == ["cancel_booking", "rate_visit"]
    assert allowed_tools(hint, NAMES, []) == ["rate_visit"]
    # A text neighbour restricts nothing, whatever the clauses pick.
    assert allowed_tools(HINT, NAMES, ["cancel_booking"]) == []
    vocabulary = Vocabulary(["<|end|>"] + [call_head(n) for n in NAMES])
    assert banned_heads(vocabulary, hint, NAMES, NAMES, ["cancel_booking"]) == [
        1 + NAMES.index(n) for n in NAMES if n not in ("cancel_booking", "rate_visit")]


def test_clause_hint_tools_match_the_golden_file():
    embedder = Embedder()
    cases = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert len(cases) >= 4
    for case in cases:
        names = [t["name"] for t in case["tools"]]
        picked = picked_tools(case["question"], case["tools"], embedder.embed)
        assert nearest_tools(case["hint"], names) == case["nearest"], case["name"]
        assert picked == case["picked"], case["name"]
        assert allowed_tools(case["hint"], names, picked) == case["allowed"], case["name"]
    # The file pins a clause's tool the nearest hint lacks, and a text neighbour restricting nothing.
    assert any(set(c["allowed"]) > set(c["nearest"]) for c in cases)
    assert any(not c["nearest"] and c["picked"] and not c["allowed"] for c in cases)


def train_hinted_specialist(root, **features):
    """A tiny specialist of the booking cluster with the nearest hint and `hint_tools` on (plus
    `features`), trained for 12 steps: its directory and specialist.json."""
    write_cluster(root, "c001", booking_examples(80))
    overrides = {**TINY, "retrieval_hint": 2, "recent_slots": True, "hint_tools": True, **features}
    options = Options(recipe="scratch", max_steps=12, recipe_overrides=overrides, eval_examples=8)
    out = Path(train_cluster(root, "c001", options, Accelerator(cpu=True), lambda event: None)["specialist"])
    return out, json.loads((out / "specialist.json").read_text())


@pytest.mark.parametrize("clause_hint", [False, True])
def test_a_specialist_with_the_feature_calls_only_its_nearest_hints_tools(tmp_path, clause_hint):
    out, info = train_hinted_specialist(tmp_path, clause_hint_tools=clause_hint, tool_choice=False, cue_values=False,
                                        named_values=False, longest_spans=False, shaped_values=False,
                                        unit_numbers=False)
    assert info["prompt_features"] == ["retrieval_hint", "recent_slots", "hint_tools"] + (
        ["clause_hint_tools"] if clause_hint else []) + ["distinct_calls", "complete_calls"]
    index, embedder = RetrievalIndex.load(out), Embedder()
    tests = load_cluster(tmp_path, "c001").splits["test"][:8]
    hints = {e.id: index.hint(embedder.embed([query_text(e.messages)])[0]) for e in tests}
    predictions = [json.loads(line) for line in (out / "predictions.jsonl").read_text().splitlines()]
    written = 0
    for prediction in predictions:
        question = query_text(next(e.messages for e in tests if e.id == prediction["id"]))
        picked = picked_tools(question, TOOLS, embedder.embed) if clause_hint else None
        allowed = set(allowed_tools(hints[prediction["id"]], NAMES, picked)) or set(NAMES)
        for name in re.findall(r'\{"name":"([a-z_]+)","arguments":', prediction["text"]):
            written += 1
            assert name in allowed, (prediction["text"], hints[prediction["id"]])
    assert written > 0
