"""Prompt feature tag_slots: `#hashtag` and `@mention` words are value slots, the sign included
(the Swift engine renders the same golden file, TagSlotsTests); listed only for clusters whose
training answers write such words."""

import json
from pathlib import Path

from distill.trainer.golden_features import tag_slots_cases
from distill.trainer.prompt import parse_response, render_prompt
from distill.trainer.slots import restore_response
from distill.trainer.tag_slots import MIN_COUNT, choose, tag_values

GOLDEN = Path(__file__).parent / "golden" / "tag_slots.jsonl"


def test_prompts_match_the_golden_file():
    lines = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert lines == tag_slots_cases()
    first = lines[0]
    assert ["#RoadTrip", "#Adventure", "#2024Goals", "@TravelBuddy"] == first["slots"][1:5]
    assert "john@x.com" in first["slots"] and "C# or ## or #" in first["prompt_text"]
    assert "#RoadTrip" in first["prompt_text_without"]  # without the feature the tag stays text


def test_an_answer_copies_tags_by_slot_and_restores_them_with_their_sign():
    messages = [{"role": "user", "content": "Tweet 'Off we go' with #RoadTrip and mention @TravelBuddy."}]
    prompt = render_prompt(messages, tag_slots=True)
    text = '{"content":null,"tool_calls":[{"name":"post_tweet","arguments":{"content":<S0>,"mentions":[<S2>],"tags":[<S1>]}}]}'
    restored = restore_response(parse_response(text), prompt.slots, [])
    assert restored["tool_calls"][0]["arguments"] == {"content": "Off we go", "mentions": ["@TravelBuddy"],
                                                      "tags": ["#RoadTrip"]}


def test_the_feature_is_chosen_only_where_training_answers_write_tags():
    def answer(*tags: str) -> dict:
        return {"content": None, "tool_calls": [{"name": "post_tweet", "arguments": {"content": "x",
                                                                                      "tags": list(tags)}}]}

    tagged = [answer("#a", "@b")] * 3
    assert tag_values(tagged) == 6 and choose(tagged)
    assert not choose([answer("#a")] * (MIN_COUNT - 1) + [answer("no tag", "a#b", "#")])
