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
    # a value must end its word: the pattern would cut these short
    assert cue_value("limit 1500.50", "limit") is None and cue_value("time: 19:30", "time") is None
    assert cue_value("id john@x.com", "id") is None and cue_value("id x_y.com", "id") is None
    assert cue_value("Raise the limit 1500.", "limit") == "1500"
    assert word_before("id \nx", "x") is None  # the word must be right before the value, not a line before
    assert word_before("charge card with id 'card1' now", "card1") == "id"
    assert word_before("card1 first", "card1") is None


def test_an_argument_is_chosen_when_training_answers_take_the_cue_value():
    right = [booking(f"Book it, card id card_{i}, 2 seats in 2026.", f"card_{i}") for i in range(MIN_COUNT + 1)]
    choice = choose(right, TOOLS)
    assert choice["arguments"] == [{"tool": "book_flight", "key": "card_id", "cue": "id"}]
    assert choice["counts"]["book_flight.card_id.id"] == [MIN_COUNT + 1, MIN_COUNT + 1]
    # the cue names another card in most answers: not chosen, and no user words kept in the counts
    wrong = choose(right[:2] + [booking(f"Card id card_{i}; no, the one I used last time", "card_last")
                                for i in range(5)], TOOLS)
    assert wrong == {"arguments": [], "counts": {}}
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


def test_a_cue_value_is_right_only_when_the_fill_would_write_the_answers_value():
    def limit(schema_type: str) -> dict:
        tools = [{"name": "set_budget_limit", "parameters": {"type": "object", "properties": {
            "budget_limit": {"type": schema_type}}}}]
        # the agent writes the limit as a string; the fill types it by the schema
        examples = [Example("e", [{"role": "user", "content": f"Set the limit {i}00 now."}],
                            {"content": None, "tool_calls": [{"name": "set_budget_limit",
                                                              "arguments": {"budget_limit": f"{i}00"}}]})
                    for i in range(1, MIN_COUNT + 2)]
        return choose(examples, tools)

    assert limit("string")["arguments"] == [{"tool": "set_budget_limit", "key": "budget_limit", "cue": "limit"}]
    # a number schema: the fill would write 100, not the answers' "100"
    assert limit("number") == {"arguments": [], "counts": {}}
