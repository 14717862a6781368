"""The miss classification (misses.py) a session uses to see why a request-tools specialist misses
the answers slot copying could write: only ceiling answers are counted, each miss gets one cause."""

import json
import sys

from distill.trainer.misses import cause, classify, main

WEATHER = {"name": "get_weather", "parameters": {"type": "object", "properties": {
    "city": {"type": "string"}, "unit": {"type": "string"}}, "required": ["city"]}}
TIME = {"name": "get_time", "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                                           "required": ["city"]}}


def _row(name: str, question: str, calls: list[dict]) -> dict:
    return {"conversation": name, "messages": [{"role": "user", "content": question}],
            "target": {"content": None, "tool_calls": calls}, "tools": [WEATHER, TIME]}


def _text(*calls: str) -> str:
    return '{"content":null,"tool_calls":[' + ",".join(calls) + "]}"


def test_each_ceiling_miss_gets_one_cause_and_answers_outside_the_ceiling_are_left_out():
    paris = [{"name": "get_weather", "arguments": {"city": "Paris"}}]
    # Slots: <S0> Paris, <S1> Berlin, <S2> Celsius, then the tool list: <S3> get_weather, <S4> city,
    # <S5> unit, <S6> get_time.
    question = "Weather in Paris, not Berlin, in Celsius?"
    weather = '{"name":<S3>,"arguments":{"<S4>":<S%d>}}'
    rows = [_row("right", question, paris), _row("tool", question, paris), _row("value", question, paris),
            _row("added", question, paris), _row("broken", question, paris),
            _row("optional", question, [{"name": "get_weather", "arguments": {"city": "Paris", "unit": "Celsius"}}])]
    texts = [_text(weather % 0), _text('{"name":<S6>,"arguments":{"<S4>":<S0>}}'), _text(weather % 1),
             _text(weather % 0, weather % 1), '{"content":null,"tool_calls":[{"name":', _text(weather % 0)]
    records = classify(rows, texts, [True, False, False, False, False, False], 64)
    assert [(r["conversation"], r["cause"]) for r in records] == [
        ("right", None), ("tool", "wrong tool"), ("value", "wrong value"), ("added", "call added"),
        ("broken", "unparsable")]


def test_the_other_causes_text_a_call_left_out_a_key_and_the_tool_mix():
    paris = [{"name": "get_weather", "arguments": {"city": "Paris"}}]
    both = paris + [{"name": "get_weather", "arguments": {"city": "Berlin"}}]
    question = "Weather in Paris and Berlin, in Celsius?"
    # Slots: <S0> Paris, <S1> Berlin, <S2> Celsius, <S3> get_weather, <S4> city, <S5> unit, <S6> get_time.
    rows = [_row("text", question, paris), _row("left out", question, both), _row("key", question, paris)]
    texts = ['{"content":"It is sunny.","tool_calls":[]}', _text('{"name":<S3>,"arguments":{"<S4>":<S0>}}'),
             _text('{"name":<S3>,"arguments":{"<S5>":<S0>}}')]
    records = classify(rows, texts, [False, False, False], 64)
    assert [(r["conversation"], r["cause"]) for r in records] == [
        ("text", "text instead of calls"), ("left out", "call left out"), ("key", "key left out or added")]


def test_as_many_calls_with_another_count_per_tool_is_the_wrong_tool_mix_not_a_call_added():
    def call(name):
        return {"name": name, "arguments": {"city": "Paris"}}

    expected = [call("get_weather"), call("get_weather"), call("get_time")]
    assert cause(expected, {"tool_calls": [call("get_weather"), call("get_time"), call("get_time")]}) == \
        "wrong tool mix"
    assert cause(expected, {"tool_calls": expected + [call("get_time")]}) == "call added"
    assert cause(expected, {"tool_calls": [call("get_weather"), call("get_time")]}) == "call left out"


def test_the_slot_table_size_comes_from_the_specialist(tmp_path, monkeypatch, capsys):
    # With room for one slot only (Paris), Rome is no slot: the answer leaves the ceiling.
    rome = [{"name": "get_weather", "arguments": {"city": "Rome"}}]
    split, bench = tmp_path / "test.jsonl", tmp_path / "bench.json"
    split.write_text(json.dumps(_row("one", "Weather in Paris or Rome?", rome)) + "\n")
    bench.write_text(json.dumps({"texts": ['{"content":"no","tool_calls":[]}'], "hits": [False]}))
    for max_slots in (64, 1):
        (tmp_path / "specialist.json").write_text(json.dumps({"slots": {"max_slots": max_slots}}))
        monkeypatch.setattr(sys, "argv", ["misses", "--specialist", str(tmp_path), "--split", str(split),
                                          "--bench", str(bench)])
        main()
    out = capsys.readouterr().out
    assert "ceiling 1, right 0" in out and "text instead of calls" in out and "ceiling 0, right 0" in out
