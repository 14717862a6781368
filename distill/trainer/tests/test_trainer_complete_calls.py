"""Prompt feature complete_calls: an answer cut at max_new_tokens keeps its finished calls (the
Swift engine applies the same rule to the same golden file, CompleteCallsTests); listed whenever
the recipe turns it on, and refit lists it in a trained specialist."""

import json
from pathlib import Path

from distill.trainer.complete_calls import FEATURE, keep_complete
from distill.trainer.golden_features import complete_calls_cases
from distill.trainer.prompt import parse_response
from distill.trainer.refit import refit
from distill.trainer.tests.test_trainer_tag_lists import tweet_specialist

GOLDEN = Path(__file__).parent / "golden" / "complete_calls.jsonl"


def test_cuts_match_the_golden_file():
    lines = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert lines == complete_calls_cases()
    cuts = {line["name"]: line["cut"] for line in lines}
    # the cut answer parses and keeps the login and the finished create_ticket, the escaped
    # quote and the braces inside the description included
    calls = parse_response(cuts["cut_inside_the_second_call"])["tool_calls"]
    assert [call["name"] for call in calls] == ["ticket_login", "create_ticket"]
    assert calls[1]["arguments"]["description"] == 'a } ] " {['
    for name in ("cut_after_a_comma", "cut_inside_a_string_with_braces", "cut_before_the_close"):
        assert [call["name"] for call in parse_response(cuts[name])["tool_calls"]] == ["ticket_login"]
    assert parse_response(cuts["cut_inside_nested_arguments"])["tool_calls"] == [
        {"name": "lockDoors", "arguments": {"door": ["driver"], "unlock": False}}]
    assert all(line["cut"] == line["text"] for line in lines if line["name"].endswith("_stays"))


def test_a_cut_answer_that_repeats_a_tool_ends_after_its_finished_calls():
    head = '{"content":null,"tool_calls":['
    login = '{"name":"ticket_login","arguments":{"username":"tech_guru"}}'
    cut = head + login + ',{"name":"create_ticket","arguments":{"title":"A"}},{"name":"create_ticket","argum'
    answer = parse_response(keep_complete(cut))
    assert [call["arguments"] for call in answer["tool_calls"]] == [{"username": "tech_guru"}, {"title": "A"}]


def test_refit_lists_and_drops_the_feature(tmp_path):
    # a specialist trained before the feature: its recorded settings do not turn it on
    specialist = tweet_specialist(
        tmp_path, {"prompt_features": ["retrieval_hint"], "recipe": "scratch", "recipe_settings": {"tag_lists": True}})
    refit(tmp_path, "c001", specialist)
    assert FEATURE not in json.loads((specialist / "specialist.json").read_text())["prompt_features"]
    refit(tmp_path, "c001", specialist, features=["tag_lists", FEATURE])
    info = json.loads((specialist / "specialist.json").read_text())
    assert info["prompt_features"] == ["retrieval_hint", "tag_lists", FEATURE] and FEATURE not in info
    refit(tmp_path, "c001", specialist, features=["tag_lists"])
    info = json.loads((specialist / "specialist.json").read_text())
    assert info["prompt_features"] == ["retrieval_hint", "tag_lists"]
