"""Golden cases of prompt feature `worded_values` (worded_values.py), written by golden_features.py
into tests/golden/worded_values.jsonl: conversations, the question's named value per key and the
answer before and after the fill. Both engines read the file (Swift `WordedValuesTests`)."""

from __future__ import annotations

from pathlib import Path

from . import worded_values
from .retrieval import query_text

# `client_id` … `user_last_name` strings, `booking_id` an integer, `remember` a boolean (never
# set), `title` one word (it has no phrase)
WORDED_TOOLS = [
    {"name": "authenticate", "parameters": {"type": "object", "properties": {
        "client_id": {"type": "string"}, "client_secret": {"type": "string"}, "grant_type": {"type": "string"},
        "user_first_name": {"type": "string"}, "user_last_name": {"type": "string"},
        "remember": {"type": "boolean"}}, "required": ["client_id"]}},
    {"name": "book", "parameters": {"type": "object", "properties": {
        "booking_id": {"type": "integer"}, "title": {"type": "string"}}, "required": ["booking_id"]}},
]
WORDED_KEYS = ["client_id", "client_secret", "grant_type", "user_first_name", "user_last_name",
               "booking_id", "title", "remember"]


def _call(name: str, **arguments) -> dict:
    return {"name": name, "arguments": arguments}


def _answer(*calls: dict) -> dict:
    return {"content": None, "tool_calls": list(calls)}


def _asked(question: str) -> list[dict]:
    return [{"role": "user", "content": question}]


def worded_values_inputs() -> list[dict]:
    """Conversations whose fill pins the rule: "KEY of VALUE", lowercase words skipped (at most
    four before the value), a phrase that is the key's last words; a quoted span after the phrase
    (spaces inside, after an emoji: offsets of any script); ':' and '=' with or without spaces; one
    value written twice (one) and two values (none); what ends the search (a comma, a line break,
    a lowercase value, a sixth token, a longer word); the punctuation stripped; an integer key
    typed by its schema and a decimal it cannot take (kept); a boolean, an argument not written and
    a one-word key (never set); the last user message only."""
    login = _call("authenticate", client_id="x", client_secret="y", grant_type="z",
                  user_first_name="f", user_last_name="l")
    return [
        {"name": "key_of_value_and_the_keys_last_words",
         "messages": _asked("My access token of abc123xyz, a client ID of my_client_id, a client secret of "
                            "my_client_secret. The grant type should be set to read_write, and the user's first "
                            "name is Michael, with the last name being Thompson"),
         "response": _answer(login)},
        {"name": "a_quoted_span_after_the_phrase_any_script_before_it",
         "messages": _asked("🎉 Zoë here: the client ID is 'trav3l Max ID' and first name is Zoë."),
         "response": _answer(login)},
        {"name": "colon_and_equals_with_or_without_spaces",
         "messages": _asked("client_id: abc_1, Client_Secret=s3cret; GRANT TYPE =read_write"),
         "response": _answer(login)},
        {"name": "one_value_twice_is_one_two_values_none",
         "messages": _asked("client ID of abc_1 (yes, client ID abc_1); last name Smith or last name Jones"),
         "response": _answer(login)},
        {"name": "what_ends_the_search",
         "messages": _asked("last name, please Smith. first name is michael. client IDs abc_1. "
                            "grant type is to be set to be read_write. client secret\nS3cret"),
         "response": _answer(login)},
        {"name": "the_sentences_punctuation_is_stripped",
         "messages": _asked("Use (client ID of (abc_1), client secret of 'S3cret'.) and grant type: \"read_write\")."),
         "response": _answer(login)},
        {"name": "an_integer_key_typed_by_its_schema",
         "messages": _asked("Rename booking ID of 0042 to title 'Trip'."),
         "response": _answer(_call("book", booking_id=7, title="x"))},
        {"name": "a_decimal_an_integer_key_cannot_take_is_left",
         "messages": _asked("Rename booking id 4.5 please."),
         "response": _answer(_call("book", booking_id=7, title="x"))},
        {"name": "booleans_and_arguments_not_written_are_left",
         "messages": _asked("client ID of abc_1, grant type of read_write, remember me of True"),
         "response": _answer(_call("authenticate", client_id="x", remember=False))},
        {"name": "only_the_last_user_message_counts",
         "messages": [{"role": "user", "content": "My client ID is abc_1."},
                      {"role": "assistant", "content": "And the secret?", "tool_calls": []},
                      {"role": "user", "content": "Log me in."}],
         "response": _answer(login)},
    ]


def worded_values_cases() -> list[dict]:
    cases = []
    for case in worded_values_inputs():
        question = query_text(case["messages"])
        cases.append({**case, "keys": WORDED_KEYS, "tools": WORDED_TOOLS,
                      "values": {key: worded_values.named_value(question, key) for key in WORDED_KEYS},
                      "filled": worded_values.fill(case["response"], case["messages"], WORDED_KEYS, WORDED_TOOLS)})
    return cases


def write_worded_values_goldens(out: Path) -> Path:
    from .golden_features import write_jsonl
    return write_jsonl(out / "worded_values.jsonl", worded_values_cases())
