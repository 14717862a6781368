"""The miss classification (misses.py) a session uses to see why a request-tools specialist misses
the answers slot copying could write: only ceiling answers are counted, each miss gets one cause."""

from distill.trainer.misses import classify

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
    records = classify(rows, texts, [True, False, False, False, False, False])
    assert [(r["conversation"], r["cause"]) for r in records] == [
        ("right", None), ("tool", "wrong tool"), ("value", "wrong value"), ("added", "call added"),
        ("broken", "unparsable")]
