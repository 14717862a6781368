"""The answer fills run in the documented order after decoding (evaluate.predict; the Swift engine
runs the same chain, SpecialistTests): named_values, then quoted_pairs, then remembered_keys, each
later fill overwriting the key an earlier one wrote; and a text cut at max_new_tokens keeps its
finished calls when complete_calls is on; sibling_calls expands the answer the fills left. Decoding
is stubbed: the chain is what is under test."""

from types import SimpleNamespace

from distill.trainer import evaluate
from distill.trainer.dataset import Example
from distill.trainer.features import Feature
from distill.trainer.slots import SlotTable

TOOLS = [{"name": "cp", "parameters": {"type": "object", "properties": {
    "source": {"type": "string"}, "destination": {"type": "string"}}, "required": ["source", "destination"]}}]
HEAD = '{"content":null,"tool_calls":['
CALL = '{"name":"cp","arguments":{"source":"x","destination":"y"}}'
# a copy earlier in the conversation remembers destination "m"; the question names destination 'd'
# and quotes two spans, which quoted_pairs reads as (source, destination) = ('d', 's')
MESSAGES = [{"role": "user", "content": "Copy it to 'm' please."},
            {"role": "assistant", "content": None,
             "tool_calls": [{"name": "cp", "arguments": {"source": "n", "destination": "m"}}]},
            {"role": "user", "content": "Now copy to destination 'd' the file 's'."}]


def predicted(monkeypatch, text: str, messages: list[dict] = MESSAGES, table: SlotTable | None = None,
              **fills) -> evaluate.Prediction:
    monkeypatch.setattr(evaluate, "greedy", lambda *args, **kwargs: [0])
    tokenizer = SimpleNamespace(get_vocab=dict, backend_tokenizer=SimpleNamespace(decode=lambda ids, **_: text))
    feature = Feature(Example("e", messages, {"content": None, "tool_calls": []}), [0], [], table or SlotTable(), TOOLS)
    return evaluate.predict(object(), tokenizer, feature, TOOLS, 0, 8, 64, **fills)


def destination(prediction: evaluate.Prediction) -> str:
    return prediction.response["tool_calls"][0]["arguments"]["destination"]


def test_later_fills_overwrite_earlier_ones(monkeypatch):
    text = HEAD + CALL + "]}"
    named = [{"tool": "cp", "key": "destination"}]
    pairs = [{"tool": "cp", "keys": ["source", "destination"]}]
    assert destination(predicted(monkeypatch, text, named_values=named)) == "d"
    assert destination(predicted(monkeypatch, text, named_values=named, quoted_pairs=pairs)) == "s"
    assert destination(predicted(monkeypatch, text, named_values=named, quoted_pairs=pairs,
                                 remembered=["destination"])) == "m"


def test_a_cut_answer_keeps_its_finished_calls_only_with_complete_calls(monkeypatch):
    cut = HEAD + CALL + ',{"name":"cp","arguments":{"sour'
    assert predicted(monkeypatch, cut).response is None
    kept = predicted(monkeypatch, cut, complete=True)
    assert kept.response["tool_calls"] == [{"name": "cp", "arguments": {"source": "x", "destination": "y"}}]


def test_sibling_calls_expands_the_answer_the_fills_left(monkeypatch):
    # the model writes destination "y", no slot; named_values sets the quoted 'd' the question names,
    # and only then is the call a template whose destination groups with 'e' (same two tokens before)
    messages = [{"role": "user", "content": "Copy the file to destination 'd' and to destination 'e'."}]
    table = SlotTable()
    for text in ("d", "e"):
        table.add(text, "string")
    text = HEAD + CALL + "]}"
    named = [{"tool": "cp", "key": "destination"}]
    assert predicted(monkeypatch, text, messages, table, sibling_calls=2).response["tool_calls"] == [
        {"name": "cp", "arguments": {"source": "x", "destination": "y"}}]
    expanded = predicted(monkeypatch, text, messages, table, named_values=named, sibling_calls=2)
    assert [c["arguments"] for c in expanded.response["tool_calls"]] == [
        {"source": "x", "destination": "d"}, {"source": "x", "destination": "e"}]


def test_clause_calls_answers_are_merged_before_one_expansion(monkeypatch):
    # two clauses, each answered with the call to 'd' (the stub decodes the same text for both):
    # the merged answer is expanded once against the whole question, so 'd' and 'e' once each
    # (each clause expanded on its own and then merged would give four calls)
    messages = [{"role": "user", "content": "Copy the file to destination 'd'. Copy it to destination 'e'."}]
    table = SlotTable()
    for text in ("d", "e"):
        table.add(text, "string")
    clause = Feature(Example("e", messages, {"content": None, "tool_calls": []}), [0], [], table, TOOLS)
    call = '{"name":"cp","arguments":{"source":"x","destination":"d"}}'
    answer = predicted(monkeypatch, HEAD + call + "]}", messages, table, sibling_calls=2,
                       clauses=[(clause, []), (clause, [])])
    assert [c["arguments"]["destination"] for c in answer.response["tool_calls"]] == ["d", "e"]
