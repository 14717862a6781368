"""Prompt feature tag_lists: list arguments whose training answers are the question's #hashtags or
@handles are set to them after decoding (the Swift engine applies the same rule to the same golden
file, TagListsTests); chosen only where the training answers follow the rule."""

import json
from pathlib import Path

from distill.trainer.dataset import Example
from distill.trainer.golden_features import tag_lists_cases
from distill.trainer.refit import refit
from distill.trainer.remembered_keys import MIN_COUNT
from distill.trainer.tag_lists import choose, fill, words
from distill.trainer.tests.trainer_fixtures import refittable_specialist

GOLDEN = Path(__file__).parent / "golden" / "tag_lists.jsonl"
TWEET_TOOLS = [{"name": "post_tweet", "parameters": {"type": "object", "properties": {
    "content": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}},
    "mentions": {"type": "array", "items": {"type": "string"}}}, "required": ["content"]}},
    {"name": "comment", "parameters": {"type": "object", "properties": {
        "tweet_id": {"type": "integer"}, "comment_content": {"type": "string"}}, "required": ["tweet_id"]}}]


def tweet(question: str, **arguments) -> Example:
    return Example("e", [{"role": "user", "content": question}],
                   {"content": None, "tool_calls": [{"name": "post_tweet", "arguments": arguments}]})


def test_fills_match_the_golden_file():
    lines = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert lines == tag_lists_cases()
    first = lines[0]["filled"]["tool_calls"]
    assert first[0]["arguments"] == {"content": "Off we go!", "tags": ["#RoadTrip", "#Adventure"],
                                     "mentions": ["@TravelBuddy"]}
    assert first[1]["arguments"] == {"tweet_id": 1, "comment_content": "#x"}  # not a listed tool


def test_words_keep_their_sign_and_skip_addresses():
    text = "Post it #Trip, #2024Goals and @Ann_B; mail ann@x.com, code in C#, ##no #"
    assert words(text, "#") == ["#Trip", "#2024Goals"]
    assert words(text, "@") == ["@Ann_B"]


def test_an_answer_without_its_tags_gets_the_questions_tags():
    answer = {"content": None, "tool_calls": [{"name": "post_tweet", "arguments": {"content": "Off we go"}}]}
    messages = [{"role": "user", "content": "Tweet 'Off we go' #RoadTrip #Adventure"}]
    rules = [{"tool": "post_tweet", "key": "tags", "sign": "#"}, {"tool": "post_tweet", "key": "mentions", "sign": "@"}]
    filled = fill(answer, messages, rules)
    assert filled["tool_calls"][0]["arguments"] == {"content": "Off we go", "tags": ["#RoadTrip", "#Adventure"]}
    assert fill(answer, [{"role": "user", "content": "Tweet 'Off we go'"}], rules) == answer


def test_arguments_are_chosen_only_when_training_answers_follow_the_rule():
    right = [tweet(f"Say 'hi {i}' #Tag{i} @user{i}", content=f"hi {i}", tags=[f"#Tag{i}"], mentions=[f"@user{i}"])
             for i in range(MIN_COUNT + 1)]
    choice = choose(right, TWEET_TOOLS)
    assert choice["arguments"] == [{"tool": "post_tweet", "key": "mentions", "sign": "@"},
                                   {"tool": "post_tweet", "key": "tags", "sign": "#"}]
    assert choice["counts"]["post_tweet.tags.#"] == [MIN_COUNT + 1, MIN_COUNT + 1]
    # a handle the question does not hold, and tags left out: neither rule holds often enough
    wrong = [tweet(f"Say 'hi {i}' #Tag{i} @user{i}", content=f"hi {i}", mentions=["@support"])
             for i in range(MIN_COUNT + 1)]
    assert choose(wrong, TWEET_TOOLS)["arguments"] == []
    assert choose(right[: MIN_COUNT - 1], TWEET_TOOLS)["arguments"] == []


def tweet_specialist(tmp_path: Path, spec: dict | None = None) -> Path:
    """A cluster of eight tweets with hashtags in `tmp_path` and a specialist holding `spec`."""
    return refittable_specialist(
        tmp_path, [tweet(f"Say 'hi {i}' #Tag{i}", content=f"hi {i}", tags=[f"#Tag{i}"]) for i in range(8)], TWEET_TOOLS,
        spec)


def test_refit_lists_the_feature_in_a_trained_specialist(tmp_path):
    specialist = tweet_specialist(tmp_path)
    refit(tmp_path, "c001", specialist)  # the scratch recipe turns tag_lists (and named_values) on
    info = json.loads((specialist / "specialist.json").read_text())
    # the quoted 'hi i' is each answer's content: named_values lists it too; the tags are the
    # user's words, so copied_items lists them as well; no question names mentions and no answer
    # writes it: named_optional lists it
    assert info["prompt_features"] == ["retrieval_hint", "tag_lists", "named_values", "named_optional",
                                       "copied_items", "complete_calls"]
    assert info["named_optional"]["arguments"] == [{"tool": "post_tweet", "key": "mentions"}]
    assert info["named_values"]["arguments"] == [{"tool": "post_tweet", "key": "content"}]
    assert info["tag_lists"]["arguments"] == [{"tool": "post_tweet", "key": "tags", "sign": "#"}]
    assert "remembered_keys" not in info  # nothing remembered in one-message conversations
    # a feature left out of --features is dropped, as training with it turned off would leave it
    refit(tmp_path, "c001", specialist, features=["cue_values"])
    info = json.loads((specialist / "specialist.json").read_text())
    assert info["prompt_features"] == ["retrieval_hint"] and "tag_lists" not in info
    # a specialist trained with --set tag_lists=false keeps it off: refit follows the recorded settings
    info["recipe_settings"] = {**info.get("recipe_settings", {}), "tag_lists": False}
    (specialist / "specialist.json").write_text(json.dumps(info))
    refit(tmp_path, "c001", specialist)
    assert "tag_lists" not in json.loads((specialist / "specialist.json").read_text())
