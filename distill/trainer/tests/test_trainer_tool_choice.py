"""Prompt feature tool_choice: a classifier fitted on the training answers chooses the tools an
answer may call (golden file tool_choice.json, which the Swift engine's ToolChoiceTests reads too)."""

import json
import re
from pathlib import Path

import pytest

from distill.trainer.dataset import Example, load_cluster
from distill.trainer.hint_tools import allowed_tools
from distill.trainer.prompt import call_head
from distill.trainer.retrieval import HINT, Embedder, query_text
from distill.trainer.tests.test_trainer_hint_tools import train_hinted_specialist
from distill.trainer.tests.trainer_fixtures import TOOLS, booking_examples, write_cluster
from distill.trainer.tool_choice import FILE, ToolChoice, add_to_specialist

NAMES = [t["name"] for t in TOOLS]
GOLDEN = Path(__file__).parent / "golden" / "tool_choice.json"


def test_choices_match_the_golden_file():
    golden = json.loads(GOLDEN.read_text())
    models = {name: ToolChoice(m["tools"], m["bias"], m["weights"], m["called_value"])
              for name, m in golden["models"].items()}
    for case in golden["cases"]:
        choice = models[case["model"]]
        assert choice.scores(case["query"], case["messages"]) == case["scores"], case["name"]
        assert choice.chosen(case["query"], case["messages"]) == case["chosen"], case["name"]
    # The file pins two tools chosen at once, the best one when none scores >= 0, a tool the
    # conversation called before changing the choice, and a tie going to the first tool.
    chosen = {c["name"]: c["chosen"] for c in golden["cases"]}
    assert any(len(c) == 2 for c in chosen.values())
    assert chosen["none above zero: the best one"] != chosen["a tool called before tips the choice"]


def test_the_chosen_tools_replace_the_hints_and_the_clauses_unless_the_hint_is_text():
    hint = HINT + call_head("rate_visit")
    assert allowed_tools(hint, NAMES, ["book_table"], ["cancel_booking"]) == ["cancel_booking"]
    assert allowed_tools(HINT, NAMES, None, ["cancel_booking"]) == []


def test_the_fitted_classifier_chooses_the_tool_each_held_out_request_asks_for():
    examples = load_examples(booking_examples(120))
    train, held_out = examples[:100], examples[100:]
    embedder = Embedder()
    choice = ToolChoice.fit(train, NAMES, embedder.embed([query_text(e.messages) for e in train]))
    right = sum(choice.chosen(q, e.messages) == [c["name"] for c in e.target["tool_calls"]]
                for e, q in zip(held_out, embedder.embed([query_text(e.messages) for e in held_out])))
    assert right >= 18, right  # the three phrasings per tool are easy; a wrong rule gets ~1/3
    # Fitting is deterministic: the same data give the same weights.
    again = ToolChoice.fit(train, NAMES, embedder.embed([query_text(e.messages) for e in train]))
    assert (again.weights == choice.weights).all() and (again.bias == choice.bias).all()


def test_a_specialist_with_the_feature_ships_the_classifier_and_calls_only_chosen_tools(tmp_path):
    out, info = train_hinted_specialist(tmp_path, clause_hint_tools=True, tool_choice=True)
    assert "tool_choice" in info["prompt_features"] and info["tool_choice"]["file"] == "tool_choice.json"
    choice, embedder = ToolChoice.load(out), Embedder()
    tests = {e.id: e for e in load_cluster(tmp_path, "c001").splits["test"][:8]}
    written = 0
    for line in (out / "predictions.jsonl").read_text().splitlines():
        prediction = json.loads(line)
        example = tests[prediction["id"]]
        chosen = choice.chosen(embedder.embed([query_text(example.messages)])[0], example.messages)
        for name in re.findall(r'\{"name":"([a-z_]+)","arguments":', prediction["text"]):
            written += 1
            assert name in chosen, (prediction["text"], chosen)
    assert written > 0


GOOD = {"tools": ["a", "b"], "bias": [0.5, -0.5], "weights": [[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]],
        "called_value": 0.5}


@pytest.mark.parametrize("change, field", [
    ({"weights": [[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0]]}, "weights"),  # a short row: zip dropped a feature
    ({"weights": [[1.0, 0.0], [0.0, 1.0]]}, "weights"),  # rows of only the per-tool weights
    ({"tools": [], "bias": [], "weights": []}, "tools"),
    ({"tools": ["a", 2]}, "tools"),
    ({"bias": [0.5]}, "weights"),
    ({"bias": [0.5, "high"]}, "bias"),
    ({"called_value": None}, "called_value"),
])
def test_a_malformed_file_is_refused_naming_the_file_and_field(tmp_path, change, field):
    (tmp_path / FILE).write_text(json.dumps(GOOD))
    assert ToolChoice.load(tmp_path).chosen([1.0, 0.0], []) == ["a"]  # the well-formed file loads
    (tmp_path / FILE).write_text(json.dumps({**GOOD, **change}))
    with pytest.raises(ValueError) as refused:
        ToolChoice.load(tmp_path).chosen([1.0, 0.0], [])
    assert str(tmp_path / FILE) in str(refused.value) and f"`{field}`" in str(refused.value), refused.value


def test_a_query_of_another_dimension_than_the_rows_is_refused_not_truncated(tmp_path):
    (tmp_path / FILE).write_text(json.dumps(GOOD))
    with pytest.raises(ValueError, match="`weights`"):
        ToolChoice.load(tmp_path).scores([1.0, 0.0, 0.0], [])


@pytest.mark.parametrize("features, tools, reason", [
    (["retrieval_hint"], TOOLS, "hint_tools"),
    (["hint_tools"], TOOLS, "retrieval_hint"),
    (["retrieval_hint", "hint_tools"], TOOLS[:1], "at least 2 tools"),
])
def test_a_specialist_the_feature_cannot_serve_is_refused_with_the_reason(tmp_path, features, tools, reason):
    write_cluster(tmp_path, "c001", booking_examples(20), tools=tools)
    specialist = tmp_path / "specialist"
    specialist.mkdir()
    (specialist / "specialist.json").write_text(json.dumps({"prompt_features": features}))
    with pytest.raises(ValueError, match=reason):
        add_to_specialist(tmp_path, "c001", specialist)
    assert not (specialist / FILE).exists()
    assert "tool_choice" not in json.loads((specialist / "specialist.json").read_text())["prompt_features"]


def load_examples(rows):
    return [Example(row["id"], row["messages"], row["target"]) for row in rows]
