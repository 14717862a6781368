"""Prompt feature worded_values: a key whose training answers take the value the question writes
after the key spelt as words ("a client ID of my_client_id" → client_id "my_client_id") gets that
value after decoding (the Swift engine applies the same rule to the same golden file,
WordedValuesTests); chosen where the training answers of the keys that show the habit follow it,
counted by distinct question and pooled over those keys, with the cluster's keys no training
question phrases listed beside them where such keys were right cross-fitted."""

import json
from pathlib import Path

from distill.trainer.dataset import Example
from distill.trainer.golden_worded_values import worded_values_cases
from distill.trainer.refit import refit
from distill.trainer.remembered_keys import MIN_COUNT
from distill.trainer.tests.trainer_fixtures import refittable_specialist
from distill.trainer.worded_values import choose, fill, named_value

GOLDEN = Path(__file__).parent / "golden" / "worded_values.jsonl"
TOOLS = [{"name": "set_budget", "parameters": {"type": "object", "properties": {
    "access_token": {"type": "string"}, "budget_limit": {"type": "number"}}, "required": ["access_token"]}},
         {"name": "authenticate", "parameters": {"type": "object", "properties": {
             "client_id": {"type": "string"}, "grant_type": {"type": "string"}}, "required": ["client_id"]}},
         {"name": "book", "parameters": {"type": "object", "properties": {
             "travel_from": {"type": "string"}}, "required": ["travel_from"]}},
         {"name": "profile", "parameters": {"type": "object", "properties": {
             "first_name": {"type": "string"}, "last_name": {"type": "string"},
             "date_of_birth": {"type": "string"}, "passport_number": {"type": "string"}}}}]


def call(question: str, tool: str, earlier: str | None = None, **arguments) -> Example:
    messages = [{"role": "user", "content": question}]
    if earlier is not None:  # an earlier call wrote the token: the conversation remembers it
        messages = [{"role": "assistant", "content": None, "tool_calls": [
            {"name": "set_budget", "arguments": {"access_token": earlier}}]}] + messages
    return Example("e", messages, {"content": None, "tool_calls": [{"name": tool, "arguments": arguments}]})


# one question per tool naming every key of it by its words
PHRASED = [Example("p", [{"role": "user", "content": "first name Ann, last name Lee, date of birth 1990-01-01, "
                                                      "passport number P123"}],
                   {"content": None, "tool_calls": [{"name": "profile", "arguments": {
                       "first_name": "Ann", "last_name": "Lee", "date_of_birth": "1990-01-01",
                       "passport_number": "P123"}}]}),
           Example("a", [{"role": "user", "content": "client ID of c_1 and grant type of g_1"}],
                   {"content": None, "tool_calls": [{"name": "authenticate", "arguments": {
                       "client_id": "c_1", "grant_type": "g_1"}}]})]


def tokens(count: int) -> list[Example]:
    return [call(f"Set my budget with access token of tok_{n}.", "set_budget", access_token=f"tok_{n}")
            for n in range(count)]


def test_fills_match_the_golden_file():
    lines = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert lines == worded_values_cases()
    filled = {line["name"]: line["filled"]["tool_calls"][0]["arguments"] for line in lines}
    # the travel suite's miss: every value the model copied from the wrong span
    assert filled["key_of_value_and_the_keys_last_words"] == {
        "client_id": "my_client_id", "client_secret": "my_client_secret", "grant_type": "read_write",
        "user_first_name": "Michael", "user_last_name": "Thompson"}
    assert filled["an_integer_key_typed_by_its_schema"] == {"booking_id": 42, "title": "x"}
    assert filled["a_decimal_an_integer_key_cannot_take_is_left"] == {"booking_id": 7, "title": "x"}
    assert filled["booleans_and_arguments_not_written_are_left"] == {"client_id": "abc_1", "remember": False}
    values = {line["name"]: line["values"] for line in lines}
    assert set(values["what_ends_the_search"].values()) == {None}
    assert values["one_value_twice_is_one_two_values_none"]["user_last_name"] is None


def test_the_named_value_of_a_key():
    assert named_value("a client ID of my_client_id, thanks", "client_id") == "my_client_id"
    assert named_value("The grant type should be set to read_write.", "grant_type") == "read_write"
    assert named_value("the user's first name is Michael", "user_first_name") == "Michael"
    assert named_value("client secret is 'M@x Secret!'", "client_secret") == "M@x Secret!"
    assert named_value("grant_type=read_write", "grant_type") == "read_write"
    # lowercase words only, a comma, a line break, a longer word, a one-word key: none
    assert named_value("first name is michael", "first_name") is None
    assert named_value("last name, Smith", "last_name") is None
    assert named_value("client ID\nabc_1", "client_id") is None
    assert named_value("client IDs abc_1", "client_id") is None
    assert named_value("title 'Trip'", "title") is None
    # six tokens after the phrase are too many
    assert named_value("grant type is to be set to be read_write", "grant_type") is None


def test_keys_are_chosen_pooled_and_unphrased_keys_join_where_cross_fitted_right():
    right = tokens(MIN_COUNT)
    # alone the tokens are listed; no key is unseen in any fold, so no unphrased key joins
    assert choose(right, TOOLS) == {"keys": ["access_token"], "counts": {"access_token": [5, 5, 5, 5]},
                                    "unseen": {"keys": [], "cross_fitted": [0, 0]}}
    # under the pooled bar nothing is listed
    assert choose(tokens(MIN_COUNT - 1), TOOLS)["keys"] == []
    # keys phrased in one question each: held out, they are unseen keys the other folds list, and
    # right (6 of 6), so the keys no training question phrases (budget_limit, travel_from) join
    chosen = choose(right + PHRASED, TOOLS)
    assert chosen["unseen"] == {"keys": ["budget_limit", "travel_from"], "cross_fitted": [6, 6]}
    assert chosen["keys"] == ["access_token", "budget_limit", "client_id", "date_of_birth", "first_name",
                              "grant_type", "last_name", "passport_number", "travel_from"]
    # a key whose answers write another value than the phrase names is left out
    wrong = [call(f"Travel from Rivermist to Paris, trip {n}.", "book", travel_from="RMS") for n in range(3)]
    chosen = choose(right + wrong, TOOLS)
    assert "travel_from" not in chosen["keys"] and chosen["counts"]["travel_from"] == [0, 3, 0, 3]
    assert "access_token" in chosen["keys"]
    # a question written twice is one question
    assert choose(right[:4] + right[:4], TOOLS)["keys"] == []
    # a key remembered_keys fills (listed there and remembered) is not counted
    remembered = [call(f"Use access token of tok_{n}.", "set_budget", earlier="old", access_token=f"tok_{n}")
                  for n in range(MIN_COUNT)]
    assert choose(remembered, TOOLS, ["access_token"])["keys"] == []
    assert "access_token" in choose(remembered, TOOLS)["keys"]


def test_the_fill_sets_written_values_only():
    messages = [{"role": "user", "content": "A client ID of my_client_id; grant type of read_write."}]
    answer = {"content": None, "tool_calls": [{"name": "authenticate", "arguments": {"client_id": "Thompson"}}]}
    assert fill(answer, messages, ["client_id", "grant_type"], TOOLS)["tool_calls"] == [
        {"name": "authenticate", "arguments": {"client_id": "my_client_id"}}]
    assert fill(answer, messages, [], TOOLS) == answer
    # a number key takes a number only: "$1500" does not fit budget_limit
    budget = {"content": None, "tool_calls": [{"name": "set_budget", "arguments": {"access_token": "t", "budget_limit": 10}}]}
    asked = [{"role": "user", "content": "budget limit of $1500 and access token of tok_1"}]
    assert fill(budget, asked, ["budget_limit", "access_token"], TOOLS)["tool_calls"][0]["arguments"] == {
        "access_token": "tok_1", "budget_limit": 10}


def test_refit_lists_the_keys(tmp_path):
    # ten answers: the fixture's split trains on the first eight
    specialist = refittable_specialist(tmp_path, PHRASED + tokens(8), TOOLS)
    refit(tmp_path, "c001", specialist, features=["worded_values"])
    info = json.loads((specialist / "specialist.json").read_text())
    assert info["worded_values"]["keys"] == choose(PHRASED + tokens(6), TOOLS)["keys"]
    assert "budget_limit" in info["worded_values"]["keys"]
    assert "worded_values" in info["prompt_features"]
    refit(tmp_path, "c001", specialist, features=[])
    info = json.loads((specialist / "specialist.json").read_text())
    assert "worded_values" not in info["prompt_features"] and "worded_values" not in info
