"""The answer fills run in the documented order after decoding (evaluate.predict; the Swift engine
runs the same chain, SpecialistTests): named_values, then quoted_pairs, then remembered_keys, then
(after tag_lists) previous_files, each later fill overwriting the key an earlier one wrote; and a text cut at max_new_tokens keeps its
finished calls when complete_calls is on. Decoding is stubbed: the chain is what is under test."""

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


def predicted(monkeypatch, text: str, **fills) -> evaluate.Prediction:
    monkeypatch.setattr(evaluate, "greedy", lambda *args, **kwargs: [0])
    tokenizer = SimpleNamespace(get_vocab=dict, backend_tokenizer=SimpleNamespace(decode=lambda ids, **_: text))
    feature = Feature(Example("e", MESSAGES, {"content": None, "tool_calls": []}), [0], [], SlotTable(), TOOLS)
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


def test_previous_files_fills_last(monkeypatch):
    # the question names no file (no extension): the earlier copy's source "n" is the previous file
    text = HEAD + CALL + "]}"
    pairs = [{"tool": "cp", "keys": ["source", "destination"]}]
    previous = [{"tool": "cp", "key": "source"}]
    source = predicted(monkeypatch, text, quoted_pairs=pairs).response["tool_calls"][0]["arguments"]["source"]
    assert source == "d"
    filled = predicted(monkeypatch, text, quoted_pairs=pairs, previous_files=previous)
    assert filled.response["tool_calls"][0]["arguments"] == {"source": "n", "destination": "s"}


def test_a_cut_answer_keeps_its_finished_calls_only_with_complete_calls(monkeypatch):
    cut = HEAD + CALL + ',{"name":"cp","arguments":{"sour'
    assert predicted(monkeypatch, cut).response is None
    kept = predicted(monkeypatch, cut, complete=True)
    assert kept.response["tool_calls"] == [{"name": "cp", "arguments": {"source": "x", "destination": "y"}}]
