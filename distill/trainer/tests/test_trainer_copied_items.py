"""Prompt feature copied_items: list arguments whose training items the request's texts hold keep
only such items after decoding (the Swift engine applies the same rule to the same golden file,
CopiedItemsTests); chosen only where the training answers follow the rule."""

import json
from pathlib import Path

from distill.trainer.copied_items import choose, fill, held
from distill.trainer.dataset import Example
from distill.trainer.golden_features import COPIED_TOOLS, copied_items_cases
from distill.trainer.refit import refit
from distill.trainer.remembered_keys import MIN_COUNT
from distill.trainer.tests.test_trainer_tag_lists import TWEET_TOOLS, tweet
from distill.trainer.tests.trainer_fixtures import refittable_specialist

GOLDEN = Path(__file__).parent / "golden" / "copied_items.jsonl"


def test_fills_match_the_golden_file():
    lines = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert lines == copied_items_cases()
    first = lines[0]["filled"]["tool_calls"][0]["arguments"]
    # the memorised #CarMaintenance and @technewsworld go, the user's own words stay in order
    assert first == {"content": "Off we go!", "tags": ["#RoadTrip", "#Adventure"], "mentions": ["@TravelBuddy"]}
    emptied = lines[1]["filled"]["tool_calls"]
    assert emptied[0]["arguments"] == {"content": "Quiet day", "tags": []}  # optional list removed, [] kept
    assert emptied[1]["arguments"] == {"tweet_id": 3, "mentioned_usernames": []}  # required: left empty


def test_a_handle_given_without_its_sign_in_an_earlier_turn_is_held():
    texts = ["Post 'Hi' and tag my friend.", "His handle is 'huanzhimao01'."]
    assert held("@huanzhimao01", texts) and held("huanzhimao01", texts)
    assert not held("@huanzhimao02", texts) and not held("@Huanzhimao01", texts)
    assert not held("", texts) and not held(None, texts) and not held(["@huanzhimao01"], texts)


def test_only_whole_words_are_held():
    """A longer word of the request holds no shorter item: "Johnson" is no `@John`."""
    texts = ["Thanks Johnson, see #AdventureTime and @Ann_Lee.", "(#Trip)"]
    assert not held("@John", texts) and not held("#Adventure", texts) and not held("@Ann", texts)
    assert held("#AdventureTime", texts) and held("@Ann_Lee", texts) and held("#Trip", texts)
    assert held("Johnson", texts) and not held("ohnson", texts)


def test_handles_of_earlier_calls_and_tool_results_are_kept():
    """The review's case: "Again, same tags." holds no tag, the earlier call and tool result do."""
    messages = [{"role": "user", "content": "Post 'x' #Called."},
                {"role": "assistant", "content": None,
                 "tool_calls": [{"name": "post_tweet", "arguments": {"content": "x", "tags": ["#Called"]}}]},
                {"role": "tool", "content": '{"followers": ["tool_user"]}'},
                {"role": "user", "content": "Again, same tags."}]
    written = {"content": None, "tool_calls": [{"name": "post_tweet", "arguments": {
        "content": "x", "tags": ["#Called"], "mentions": ["@tool_user", "@technewsworld"]}}]}
    rules = [{"tool": "post_tweet", "key": "mentions"}, {"tool": "post_tweet", "key": "tags"}]
    assert fill(written, messages, rules, COPIED_TOOLS)["tool_calls"][0]["arguments"] == {
        "content": "x", "tags": ["#Called"], "mentions": ["@tool_user"]}


def test_an_invented_mention_is_dropped_and_the_right_answer_results():
    """Seed 1's posting misses: the model adds a handle of another conversation."""
    messages = [{"role": "user", "content": "I want to tweet: 'Setting forth!' #Genealogy #FamilyHistory."}]
    written = {"content": None, "tool_calls": [{"name": "post_tweet", "arguments": {
        "content": "Setting forth!", "mentions": ["@technewsworld"], "tags": ["#Genealogy", "#FamilyHistory"]}}]}
    rules = [{"tool": "post_tweet", "key": "mentions"}, {"tool": "post_tweet", "key": "tags"}]
    assert fill(written, messages, rules, COPIED_TOOLS)["tool_calls"][0]["arguments"] == {
        "content": "Setting forth!", "tags": ["#Genealogy", "#FamilyHistory"]}
    assert fill(written, messages, [], COPIED_TOOLS) == written  # not listed: as written


def test_arguments_are_chosen_only_when_training_items_are_the_users():
    right = [tweet(f"Say 'hi {i}' #Tag{i} @user{i}", content=f"hi {i}", tags=[f"#Tag{i}"], mentions=[f"@user{i}"])
             for i in range(MIN_COUNT + 1)]
    choice = choose(right, TWEET_TOOLS)
    assert choice["arguments"] == [{"tool": "post_tweet", "key": "mentions"}, {"tool": "post_tweet", "key": "tags"}]
    assert choice["counts"]["post_tweet.tags"] == [MIN_COUNT + 1, MIN_COUNT + 1]
    # a handle the user never wrote in most answers: not listed (5 of 6 held is below 85%)
    mixed = right[:MIN_COUNT] + [tweet("Say 'x' #T", content="x", tags=["#T"], mentions=["@support"])]
    assert choose(mixed, TWEET_TOOLS)["counts"]["post_tweet.mentions"] == [MIN_COUNT, MIN_COUNT + 1]
    assert {"tool": "post_tweet", "key": "mentions"} not in choose(mixed, TWEET_TOOLS)["arguments"]
    assert choose(right[: MIN_COUNT - 1], TWEET_TOOLS)["arguments"] == []
    # lists of enum values the user does not type (vehicle's lockDoors doors) are never listed
    doors = [{"name": "lockDoors", "parameters": {"type": "object", "properties": {
        "door": {"type": "array", "items": {"type": "string"}}}}}]
    locks = [Example("e", [{"role": "user", "content": "Lock all doors."}],
                     {"content": None, "tool_calls": [{"name": "lockDoors", "arguments": {"door": ["driver", "rear_left"]}}]})
             for _ in range(MIN_COUNT + 1)]
    assert choose(locks, doors)["arguments"] == []


def test_refit_lists_the_feature_in_a_trained_specialist(tmp_path):
    specialist = refittable_specialist(
        tmp_path, [tweet(f"Say 'hi {i}' #Tag{i}", content=f"hi {i}", tags=[f"#Tag{i}"]) for i in range(8)], TWEET_TOOLS)
    refit(tmp_path, "c001", specialist)  # the scratch recipe turns copied_items on
    info = json.loads((specialist / "specialist.json").read_text())
    assert "copied_items" in info["prompt_features"]
    assert info["copied_items"]["arguments"] == [{"tool": "post_tweet", "key": "tags"}]
    held_count, seen = info["copied_items"]["counts"]["post_tweet.tags"]  # the training split's calls
    assert held_count == seen >= MIN_COUNT
    refit(tmp_path, "c001", specialist, features=["tag_lists"])
    info = json.loads((specialist / "specialist.json").read_text())
    assert "copied_items" not in info["prompt_features"] and "copied_items" not in info


def test_predict_cuts_the_lists_after_tag_lists(monkeypatch):
    """evaluate.predict's chain (decoding stubbed): tag_lists sets the question's hashtags in place
    of the written ones, then copied_items drops the invented handle. The other order is visible in
    the answer: copied_items would first remove the invented `tags`, and tag_lists would append the
    question's hashtags after `content` instead of where the model wrote them."""
    from types import SimpleNamespace

    from distill.trainer import evaluate
    from distill.trainer.features import Feature
    from distill.trainer.slots import SlotTable
    from distill.trainer.tag_lists import fill as fill_tag_lists

    text = ('{"content":null,"tool_calls":[{"name":"post_tweet","arguments":'
            '{"tags":["#CarMaintenance"],"content":"Hi","mentions":["@technewsworld"]}}]}')
    monkeypatch.setattr(evaluate, "greedy", lambda *args, **kwargs: [0])
    tokenizer = SimpleNamespace(get_vocab=dict, backend_tokenizer=SimpleNamespace(decode=lambda ids, **_: text))
    messages = [{"role": "user", "content": "Tweet 'Hi' #Trip"}]
    feature = Feature(Example("e", messages, {"content": None, "tool_calls": []}), [0], [], SlotTable(), COPIED_TOOLS)
    tags = [{"tool": "post_tweet", "key": "tags", "sign": "#"}]
    copied = [{"tool": "post_tweet", "key": "mentions"}, {"tool": "post_tweet", "key": "tags"}]
    predicted = evaluate.predict(object(), tokenizer, feature, COPIED_TOOLS, 0, 8, 64, tag_lists=tags,
                                 copied_items=copied)
    assert list(predicted.response["tool_calls"][0]["arguments"].items()) == [("tags", ["#Trip"]), ("content", "Hi")]
    copied_first = fill_tag_lists(fill(json.loads(text), messages, copied, COPIED_TOOLS), messages, tags)
    assert list(copied_first["tool_calls"][0]["arguments"].items()) == [("content", "Hi"), ("tags", ["#Trip"])]
    as_written = evaluate.predict(object(), tokenizer, feature, COPIED_TOOLS, 0, 8, 64, tag_lists=tags)
    assert as_written.response["tool_calls"][0]["arguments"]["mentions"] == ["@technewsworld"]
