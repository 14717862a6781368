"""Prompt feature longest_spans: a string argument whose training answers take the longest quoted
span of the user turns (posting's post_tweet content) is set to it after decoding (the Swift engine
applies the same rule to the same golden file, LongestSpansTests); chosen only where the training
answers follow the rule, and never for a key named_values lists."""

import json
from pathlib import Path

from distill.trainer.dataset import Example
from distill.trainer.golden_features import POST_TOOLS, longest_spans_cases
from distill.trainer.longest_spans import choose, fill
from distill.trainer.refit import refit
from distill.trainer.remembered_keys import MIN_COUNT
from distill.trainer.tests.trainer_fixtures import refittable_specialist

GOLDEN = Path(__file__).parent / "golden" / "longest_spans.jsonl"
CONTENT = [{"tool": "post_tweet", "key": "content"}]


def tweet(question: str, content: str) -> Example:
    return Example("e", [{"role": "user", "content": question}],
                   {"content": None, "tool_calls": [{"name": "post_tweet", "arguments": {"content": content}}]})


def habit(count: int) -> list[Example]:
    """Training answers tweeting the long quoted sentence, not the short mode name before it."""
    return [tweet(f"Start in 'MODE{i}'. Then tweet 'Road trip number {i} begins!'", f"Road trip number {i} begins!")
            for i in range(count)]


def test_fills_match_the_golden_file():
    lines = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert lines == longest_spans_cases()
    assert lines[0]["filled"]["tool_calls"][0]["arguments"]["content"] == "Embarking on a road trip!"
    assert lines[1]["filled"]["tool_calls"][0]["arguments"]["content"] == "Excited for my trip!"


def test_an_argument_is_chosen_when_enough_distinct_answers_take_the_longest_span():
    assert choose(habit(MIN_COUNT), POST_TOOLS) == {
        "arguments": CONTENT, "counts": {"post_tweet.content": [MIN_COUNT] * 4}}
    # one question repeated is one text: below the bar however often it is asked
    assert choose(habit(1) * (2 * MIN_COUNT), POST_TOOLS)["arguments"] == []
    # answers that take the short span: below the share
    short = [tweet(f"Start in 'MODE{i}'. Then tweet 'Road trip number {i} begins!'", f"MODE{i}") for i in range(2)]
    # 12 of 14 calls (85.7%); the two short answers ask two of the twelve questions again
    assert choose(habit(12) + short, POST_TOOLS)["counts"] == {"post_tweet.content": [12, 14, 12, 12]}
    assert choose(habit(MIN_COUNT) + short, POST_TOOLS)["arguments"] == []
    # a key named_values lists is left to named_values
    assert choose(habit(MIN_COUNT), POST_TOOLS, named=CONTENT)["arguments"] == []


def test_calls_of_a_tool_called_twice_are_no_evidence():
    # the fill never touches a tool the answer calls twice, so its calls neither choose nor block
    twice = [Example("e", [{"role": "user", "content": f"Tweet 'A long first tweet {i}' and 'Second {i}'"}],
                     {"content": None, "tool_calls": [{"name": "post_tweet", "arguments": {"content": f"Second {i}"}},
                                                      {"name": "post_tweet", "arguments": {"content": "x"}}]})
             for i in range(MIN_COUNT)]
    assert choose(habit(MIN_COUNT) + twice, POST_TOOLS) == {
        "arguments": CONTENT, "counts": {"post_tweet.content": [MIN_COUNT] * 4}}
    assert choose(twice, POST_TOOLS)["counts"] == {}


def test_the_fill_takes_the_longest_free_span():
    response = {"content": None, "tool_calls": [{"name": "post_tweet", "arguments": {"content": "MODE1"}}]}
    messages = [{"role": "user", "content": "Start in 'MODE1'. Then tweet 'Off we go!'"}]
    assert fill(response, messages, CONTENT, POST_TOOLS)["tool_calls"][0]["arguments"] == {"content": "Off we go!"}
    assert fill(response, messages, [], POST_TOOLS) == response
    # a span the key's name word claims wins over a longer unclaimed one
    named = [{"role": "user", "content": "Set the mode to 'ECO_EXTENDED_RANGE_MODE', then tweet with content 'Hi all!'"}]
    assert fill(response, named, CONTENT, POST_TOOLS)["tool_calls"][0]["arguments"] == {"content": "Hi all!"}
    # no quoted span: the model's value stays
    assert fill(response, [{"role": "user", "content": "Tweet it."}], CONTENT, POST_TOOLS) == response


def test_refit_lists_the_feature_in_a_trained_specialist(tmp_path):
    specialist = refittable_specialist(tmp_path, habit(24), POST_TOOLS)
    refit(tmp_path, "c001", specialist, features=["longest_spans"])
    info = json.loads((specialist / "specialist.json").read_text())
    assert "longest_spans" in info["prompt_features"]
    assert info["longest_spans"]["arguments"] == CONTENT
    refit(tmp_path, "c001", specialist, features=["cue_values"])  # left out of --features: dropped
    info = json.loads((specialist / "specialist.json").read_text())
    assert "longest_spans" not in info["prompt_features"] and "longest_spans" not in info
