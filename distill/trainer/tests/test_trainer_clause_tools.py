"""Prompt feature clause_tools: the question's clauses and the tools they pick match the golden file
(the Swift engine tests the same file, ClauseToolsTests), evaluate.py bans the other tools' name
slots, and a trained request-tools specialist records the feature."""

import json
from pathlib import Path

from distill.trainer.clause_tools import (banned_name_slots, best_score, choose_threshold, clauses, picked_tools,
                                          tool_text)
from distill.trainer.dataset import Example
from distill.trainer.prompt import render_prompt
from distill.trainer.retrieval import Embedder
from distill.trainer.tests.test_trainer_prompt_features import WordEmbedder

GOLDEN = Path(__file__).parent / "golden" / "clause_tools.jsonl"


def test_clauses_and_picks_match_the_golden_file():
    embedder = Embedder()
    cases = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert len(cases) >= 4
    for case in cases:
        assert clauses(case["question"]) == case["clauses"], case["name"]
        assert [tool_text(t) for t in case["tools"]] == case["tool_texts"], case["name"]
        assert picked_tools(case["question"], case["tools"], embedder.embed) == case["picked"], case["name"]
        score = best_score(case["question"], case["tools"], embedder.embed)
        assert (score is None) == (case["best_score"] is None), case["name"]
        assert score is None or abs(score - case["best_score"]) < 1e-5, case["name"]
    # The file pins both kinds of answer: one tool picked of three, and several clauses' tools.
    assert any(len(c["picked"]) == 1 and len(c["tools"]) == 3 for c in cases)
    assert any(len(c["picked"]) >= 2 for c in cases)


def test_clause_words_and_sentence_ends_split_and_short_clauses_drop():
    assert clauses("Find the weather in Paris. Then, book a table for two.") == [
        "Find the weather in Paris.", "Then, book a table for two."]
    assert clauses("Weather in Paris and also in Rome please") == ["Weather in Paris and", "also in Rome please"]
    assert clauses("Hi. Ok.") == ["Hi. Ok."]  # no clause has 3 words: the whole question
    assert clauses("  \n") == []


def test_fewer_than_two_tools_or_no_words_restrict_nothing():
    tools = [{"name": "weather", "description": "Weather of a city."}]
    assert picked_tools("Weather in Rome?", tools, WordEmbedder().embed) == []
    two = tools + [{"name": "time", "description": "Local time."}]
    assert picked_tools("", two, WordEmbedder().embed) == []


def test_evaluation_bans_the_name_slots_of_tools_no_clause_picked():
    tools = [{"name": "weather_forecast", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}},
             {"name": "get_time", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}]
    prompt = render_prompt([{"role": "user", "content": "Weather in Rome?"}], tools=tools)

    class Vocabulary:
        def get_vocab(self):
            return {f"<S{i}>": 100 + i for i in range(64)}

    time_slot = prompt.slots.find_name("get_time")
    assert banned_name_slots(Vocabulary(), prompt.slots, tools, ["weather_forecast"]) == [100 + time_slot]
    assert banned_name_slots(Vocabulary(), prompt.slots, tools, []) == []


def test_the_unmatched_text_threshold_keeps_call_answers_above_it():
    weather = [{"name": "weather", "description": "weather forecast of a city"}]
    calls = [Example(f"c{i}", [{"role": "user", "content": f"weather forecast of city {i}"}],
                     {"content": None, "tool_calls": [{"name": "weather", "arguments": {}}]}) for i in range(300)]
    texts = [Example(f"t{i}", [{"role": "user", "content": f"sing me song number {i}"}],
                     {"content": "No tool applies.", "tool_calls": []}) for i in range(20)]
    chosen = choose_threshold(calls + texts, lambda e: weather, WordEmbedder().embed)
    assert chosen is not None and chosen["calls_below"] == 0 and chosen["texts_below"] == 20
    scores = [best_score(e.messages[0]["content"], weather, WordEmbedder().embed) for e in calls + texts]
    assert all(s >= chosen["threshold"] for s in scores[:300]) and all(s < chosen["threshold"] for s in scores[300:])
    # Without text answers there is nothing to learn a threshold from.
    assert choose_threshold(calls, lambda e: weather, WordEmbedder().embed) is None
