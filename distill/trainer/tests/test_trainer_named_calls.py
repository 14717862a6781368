"""Prompt feature named_calls: a tool whose required arguments the question names ("user name
tech_guru, password securePass123" → ticket_login) is called first, added after decoding when the
answer leaves it out (the Swift engine applies the same rule to the same golden file,
NamedCallsTests); chosen only where the training answers call such tools first."""

import json
from pathlib import Path

from distill.trainer.dataset import Example
from distill.trainer.golden_features import named_calls_cases
from distill.trainer.named_calls import choose, fill, name_phrases, named_value, word_keys
from distill.trainer.refit import refit
from distill.trainer.remembered_keys import MIN_COUNT, MIN_EXCLUSIVE_COUNT
from distill.trainer.tests.trainer_fixtures import refittable_specialist

GOLDEN = Path(__file__).parent / "golden" / "named_calls.jsonl"
TOOLS = [{"name": "login", "parameters": {"type": "object", "properties": {
    "username": {"type": "string"}, "password": {"type": "string"}}, "required": ["username", "password"]}},
    {"name": "open_ticket", "parameters": {"type": "object", "properties": {
        "title": {"type": "string"}, "priority": {"type": "integer"}}, "required": ["title"]}},
    {"name": "close_ticket", "parameters": {"type": "object", "properties": {
        "ticket_id": {"type": "integer"}}, "required": ["ticket_id"]}}]


def answer(question: str, *calls: tuple[str, dict]) -> Example:
    return Example("e", [{"role": "user", "content": question}],
                   {"content": None, "tool_calls": [{"name": name, "arguments": arguments} for name, arguments in calls]})


def logins(count: int, first: bool = True) -> list[Example]:
    """Training answers to questions naming username and password; the login first or second."""
    calls = [("login", {"username": "u_1", "password": "p_1"}), ("open_ticket", {"title": "T"})]
    return [answer(f"Open ticket 'T{i}', my username is u_1 and password p_1.", *(calls if first else calls[::-1]))
            for i in range(count)]


def test_fills_match_the_golden_file():
    lines = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert lines == named_calls_cases()
    first = lines[0]["filled"]["tool_calls"]
    assert [call["name"] for call in first] == ["ticket_login", "create_ticket"]
    assert first[0]["arguments"] == {"username": "tech_guru", "password": "securePass123"}
    unchanged = [line["name"] for line in lines if line["filled"] == line["response"]]
    assert "a_lower_case_word_after_a_space_is_no_value" in unchanged and "a_text_answer_is_unchanged" in unchanged
    after_is = next(line for line in lines if line["name"] == "any_word_after_is_and_an_unclosed_quote")
    assert after_is["filled"]["tool_calls"][0]["arguments"] == {"username": "mzhang", "password": "SecurePass123"}
    # the review's inputs: no login "the" / "unchanged", no username "—"
    assert "a_word_after_is_of_a_key_that_is_no_word_key_is_no_value" in unchanged
    assert "a_word_of_punctuation_only_is_no_value" in unchanged


def test_name_phrases_and_named_values():
    assert name_phrases("user name x_1, Usernames and USERNAME", "username") == [9, 24, 37]
    assert name_phrases("'my username' only", "username") == []  # inside a quoted span
    assert name_phrases("us er name", "username") == []  # split once at most
    keys = ["username", "password", "title"]
    words = {"username"}
    assert named_value("username is `bob` and password: Pw_1", "username", keys) == "bob"
    assert named_value("username is `bob` and password: Pw_1", "password", keys) == "Pw_1"
    # after "is" or ":" a word that is no value token for a word key only; after a bare space never
    assert named_value("username is bob and password is Pw_1", "username", keys, words) == "bob"
    assert named_value("username is bob and password is Pw_1", "username", keys) is None
    assert named_value("username: bob", "username", keys, words) == "bob"
    assert named_value("username bob and password is Pw_1", "username", keys, words) is None
    sentence = "My username is the same as before and password is unchanged"
    assert named_value(sentence, "password", keys, words) is None
    # a word of punctuation only is never a value, for a word key too
    assert named_value("username is — bob", "username", keys, words) is None
    assert named_value("username: ... password: Pw_1", "username", keys, words) is None
    # quotes of a span that does not close are no part of the value
    assert named_value("username is 'bob and password is `Pw_1", "password", keys, words) == "Pw_1"
    assert named_value("username is 'bob and password is `Pw_1", "username", keys, words) == "bob"
    assert named_value("password. It is Pw_1", "password", keys) is None  # a sentence end between
    assert named_value("user name ann, password p_1", "username", keys) is None  # the nearer phrase names it
    # a whole space-delimited word right after the phrase, "is" or ":" (trailing .,;) stripped)
    assert named_value("password Secure#2024", "password", keys) == "Secure#2024"
    assert named_value("password Pa$$w0rd.", "password", keys) == "Pa$$w0rd"
    assert named_value("password P@ss!23", "password", keys) == "P@ss!23"
    assert named_value("username for ticket 42 is tech_guru", "username", keys) is None
    assert named_value("username:tech_guru password:pw_1", "username", keys) == "tech_guru"
    assert named_value("username:tech_guru password:pw_1", "password", keys) == "pw_1"
    # a split phrase is two whole words, and claims quoted spans as a name word does
    assert name_phrases("I deleted 3 files", "id") == []
    assert named_value("user name 'ann b' and password 'x y'", "username", keys) == "ann b"


def test_word_keys_are_the_required_keys_whose_training_values_hold_a_word():
    # BFCL ticket: a username "mthompson" (no digit, none of _ @ . /), passwords with digits
    worded = answer("My username is mthompson and password is pw1.",
                    ("login", {"username": "mthompson", "password": "pw1"}), ("open_ticket", {"title": "Two words"}))
    assert word_keys([worded], TOOLS) == ["username"]  # "Two words" is no word
    assert word_keys(logins(2), TOOLS) == ["title"]  # u_1 and p_1 are value tokens, the title "T" a word
    # a key only optional keys hold, or a value of punctuation only, is none
    assert word_keys([answer("x", ("open_ticket", {"title": "—", "priority": "high"}))], TOOLS) == []
    # learnt: the replay reads "is mthompson" only where the training answers show such a username
    worded_logins = [answer(f"Open ticket 'T{i}', my username is mthompson and password is p_{i}.",
                            ("login", {"username": "mthompson", "password": f"p_{i}"}), ("open_ticket", {"title": "T"}))
                     for i in range(MIN_COUNT)]
    assert choose(worded_logins, TOOLS)["words"] == ["title", "username"]
    assert choose(worded_logins, TOOLS)["tools"] == ["login"]


def test_a_tool_is_chosen_when_the_fill_recreates_its_calls_in_enough_distinct_questions():
    assert choose(logins(MIN_COUNT), TOOLS) == {"tools": ["login"], "words": ["title"], "exclusive": [],
                                                "counts": {"login": [MIN_COUNT] * 4}}
    # called second: not recreated (the fill puts the call first)
    assert choose(logins(MIN_COUNT, first=False), TOOLS)["tools"] == []
    # below the share: 5 of 6 is 83%
    assert choose(logins(MIN_COUNT) + logins(1, first=False), TOOLS)["tools"] == []
    # too few distinct questions: a repeated question is no new evidence
    assert choose(logins(MIN_EXCLUSIVE_COUNT - 1), TOOLS)["tools"] == []
    assert choose(logins(1) * MIN_COUNT, TOOLS)["tools"] == []
    # a tool called exactly where the fill would call it needs fewer (BFCL ticket's login: 3),
    # recorded as listed by that bar
    assert choose(logins(MIN_EXCLUSIVE_COUNT), TOOLS) == {
        "tools": ["login"], "words": ["title"], "exclusive": ["login"], "counts": {"login": [MIN_EXCLUSIVE_COUNT] * 4}}
    # one replay wrong: 9 of 10 right (90%, above the share) over 3 distinct questions is no
    # exclusive rule, so the full bar again
    wrong = logins(1, first=False)
    assert choose(logins(MIN_EXCLUSIVE_COUNT) * 3 + wrong, TOOLS)["tools"] == []
    # called once where the question does not name it: the full bar again
    unnamed = [answer("Log me in please.", ("login", {"username": "u_1", "password": "p_1"}))]
    assert choose(logins(MIN_EXCLUSIVE_COUNT) + unnamed, TOOLS)["tools"] == []
    assert choose(logins(MIN_COUNT) + unnamed, TOOLS)["tools"] == ["login"]
    # the bar is per tool: another tool's questions do not make up the count
    titled = [answer(f"A ticket titled 'T{i}'.", ("open_ticket", {"title": f"T{i}"}),
                     ("close_ticket", {"ticket_id": 1})) for i in range(MIN_COUNT)]
    assert choose(logins(MIN_EXCLUSIVE_COUNT - 1) + titled, TOOLS)["tools"] == ["open_ticket"]
    # the values the fill writes must be the answer's: "P@ss!23" taken whole, not "P@ss"
    other_value = [answer(f"Open ticket 'T{i}', my username is u_1 and password p_1.",
                          ("login", {"username": "u_1", "password": "secret"}), ("open_ticket", {"title": "T"}))
                   for i in range(MIN_COUNT)]
    assert choose(other_value, TOOLS)["tools"] == []
    # an answer the fill would add the call to counts against the tool
    left_out = [answer("Open ticket 'U', my username is u_1 and password p_1.", ("open_ticket", {"title": "U"}))]
    assert choose(logins(MIN_COUNT) + left_out, TOOLS)["tools"] == []


def test_the_fill_adds_the_call_first_only_where_every_value_is_named():
    messages = [{"role": "user", "content": "Close 12, user name u_1, password p_1"}]
    closing = {"content": None, "tool_calls": [{"name": "close_ticket", "arguments": {"ticket_id": 12}}]}
    assert fill(closing, messages, ["login"], TOOLS)["tool_calls"] == [
        {"name": "login", "arguments": {"username": "u_1", "password": "p_1"}}, closing["tool_calls"][0]]
    unnamed = [{"role": "user", "content": "Close 12, user name ann, password p_1"}]
    assert fill(closing, unnamed, ["login"], TOOLS) == closing


def test_refit_lists_the_feature_in_a_trained_specialist(tmp_path):
    specialist = refittable_specialist(tmp_path, logins(12), TOOLS)
    refit(tmp_path, "c001", specialist)  # the scratch recipe turns named_calls on
    info = json.loads((specialist / "specialist.json").read_text())
    assert "named_calls" in info["prompt_features"] and info["named_calls"]["tools"] == ["login"]
    right, replayed, distinct, _ = info["named_calls"]["counts"]["login"]  # the training split's rows
    assert right == replayed >= distinct >= MIN_COUNT
    refit(tmp_path, "c001", specialist, features=["cue_values"])  # left out of --features: dropped
    info = json.loads((specialist / "specialist.json").read_text())
    assert "named_calls" not in info["prompt_features"] and "named_calls" not in info
