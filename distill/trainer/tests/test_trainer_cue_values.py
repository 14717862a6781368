"""Prompt feature cue_values: an argument whose training answers take the value the question names
right after a cue word ("card with id 1432") gets that value after decoding (the Swift engine
applies the same rule to the same golden file, CueValuesTests); chosen only where the training
answers follow the rule, and never over a key remembered_keys fills."""

import json
from pathlib import Path

from distill.trainer.cue_values import choose, cue_value, fill, word_before
from distill.trainer.dataset import Example
from distill.trainer.golden_features import cue_values_cases
from distill.trainer.remembered_keys import MIN_COUNT

GOLDEN = Path(__file__).parent / "golden" / "cue_values.jsonl"
TOOLS = [{"name": "book_flight", "parameters": {"type": "object", "properties": {
    "card_id": {"type": "string"}, "seats": {"type": "integer"}}, "required": ["card_id"]}}]


def booking(question: str, card: str, earlier_card: str | None = None) -> Example:
    messages = [{"role": "user", "content": question}]
    if earlier_card is not None:  # an earlier call wrote a card_id: the conversation remembers it
        messages = [{"role": "assistant", "content": None, "tool_calls": [
            {"name": "book_flight", "arguments": {"card_id": earlier_card}}]}] + messages
    return Example("e", messages, {"content": None, "tool_calls": [
        {"name": "book_flight", "arguments": {"card_id": card, "seats": 1}}]})


def test_fills_match_the_golden_file():
    lines = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert lines == cue_values_cases()
    assert lines[0]["filled"]["tool_calls"][0]["arguments"]["card_id"] == "card_3456"
    assert lines[1]["filled"]["tool_calls"][0]["arguments"]["budget_limit"] == 1500  # typed by the schema


def test_cue_values_and_the_word_before_a_value():
    assert cue_value("pay with card ID='c_1' or id 2", "id") == "c_1"
    assert cue_value("a valid card", "id") is None and cue_value("id  :  'x'", "id") is None
    assert word_before("charge card with id 'card1' now", "card1") == "id"
    assert word_before("card1 first", "card1") is None


def test_an_argument_is_chosen_when_training_answers_take_the_cue_value():
    right = [booking(f"Book it, card id card_{i}, 2 seats in 2026.", f"card_{i}") for i in range(MIN_COUNT + 1)]
    choice = choose(right, TOOLS)
    assert choice["arguments"] == [{"tool": "book_flight", "key": "card_id", "cue": "id"}]
    assert choice["counts"]["book_flight.card_id.id"] == [MIN_COUNT + 1, MIN_COUNT + 1]
    # the cue names another card in most answers: not chosen
    assert choose(right[:2] + [booking(f"Card id card_{i}; no, the one I used last time", "card_last") for i in range(5)],
                  TOOLS)["arguments"] == []
    # where remembered_keys fills card_id, those answers do not count for the cue
    remembered = [booking(f"Book it, card id card_{i}.", f"card_{i}", earlier_card="x") for i in range(MIN_COUNT + 1)]
    assert choose(remembered, TOOLS, ["card_id"])["arguments"] == []
    assert choose(remembered, TOOLS)["arguments"] != []


def test_the_fill_replaces_only_written_listed_arguments():
    rules = [{"tool": "book_flight", "key": "card_id", "cue": "id"}]
    messages = [{"role": "user", "content": "Book with card id 1432 in 2026"}]
    wrote = {"content": None, "tool_calls": [{"name": "book_flight", "arguments": {"card_id": "2026", "seats": 2}}]}
    assert fill(wrote, messages, rules, TOOLS)["tool_calls"][0]["arguments"] == {"card_id": "1432", "seats": 2}
    left_out = {"content": None, "tool_calls": [{"name": "book_flight", "arguments": {"seats": 2}}]}
    assert fill(left_out, messages, rules, TOOLS) == left_out
