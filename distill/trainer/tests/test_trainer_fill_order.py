"""The answer fills run in the documented order after decoding (evaluate.FILL_ORDER, pinned by the
golden file fill_order.jsonl that the Swift engine's FillOrderTests read): each case fails when its
two fills run the other way round; predict runs that chain; a text cut at max_new_tokens keeps
its finished calls when complete_calls is on; and sibling_calls expands the answer the fills left.
Decoding is stubbed: the chain is what is under test."""

import json
from pathlib import Path
from types import SimpleNamespace

from distill.trainer import evaluate
from distill.trainer.dataset import Example
from distill.trainer.features import Feature
from distill.trainer.golden_features import fill_order_cases
from distill.trainer.slots import SlotTable

GOLDEN = Path(__file__).parent / "golden" / "fill_order.jsonl"
TOOLS = [{"name": "cp", "parameters": {"type": "object", "properties": {
    "source": {"type": "string"}, "destination": {"type": "string"}}, "required": ["source", "destination"]}}]
HEAD = '{"content":null,"tool_calls":['
CALL = '{"name":"cp","arguments":{"source":"x","destination":"y"}}'
# a copy earlier in the conversation remembers destination "m"; the question names destination 'd'
# and quotes two spans, which quoted_pairs would read as (source, destination) = ('d', 's')
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


def test_the_fill_order_matches_the_golden_file():
    lines = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert lines == fill_order_cases()
    assert lines[0]["order"] == list(evaluate.FILL_ORDER)


# Cases of two fills that commute, pinning the shipped chain's outcome rather than the order:
# named_calls adds a call whose value the question writes, which ordinal_items then keeps.
COMMUTING = {"named_calls_before_ordinal_items"}


def test_a_value_named_calls_adds_from_the_question_stays_against_ordinal_items():
    case = next(case for case in fill_order_cases() if case["name"] == "named_calls_before_ordinal_items")
    assert case["filled"]["tool_calls"] == [{"name": "get_stock_info", "arguments": {"symbol": "NVDA"}},
                                            {"name": "get_watchlist", "arguments": {}}]


def swapped(first: str, second: str) -> tuple[str, ...]:
    order = list(evaluate.FILL_ORDER)
    i, j = order.index(first), order.index(second)
    order[i], order[j] = order[j], order[i]
    return tuple(order)


def test_each_golden_case_changes_when_its_two_fills_swap():
    """So an engine running any two fills the other way round fails a golden case (the Swift
    engine's FillOrderTests read the same file); single_calls, named_calls and named_optional commute,
and so do named_optional and ordinal_items (one drops keys, the other sets the values of written
keys), and previous_files and chosen_calls.
    Compared as the answer's text, argument order included: tag_lists and copied_items differ there
    only (golden_features.fill_order_inputs)."""
    pinned = set()
    for case in fill_order_cases():
        first, second = [feature for feature in evaluate.FILL_ORDER if feature in case["fills"]]
        other = evaluate.filled(case["response"], case["messages"], case["tools"], case["fills"], swapped(first, second),
                                chosen=case.get("chosen"))
        if case["name"] in COMMUTING:
            assert other == case["filled"], case["name"]
            continue
        assert json.dumps(other) != json.dumps(case["filled"]), case["name"]
        pinned.add((first, second))
    neighbours = set(zip(evaluate.FILL_ORDER, evaluate.FILL_ORDER[1:]))
    # previous_files and chosen_calls commute (golden_features.fill_order_inputs): chosen_calls is
    # pinned last against named_calls instead
    assert neighbours - pinned == {("single_calls", "named_calls"), ("named_calls", "named_optional"),
                                   ("named_optional", "ordinal_items"), ("previous_files", "chosen_calls")}
    assert ("named_calls", "chosen_calls") in pinned


def test_predict_runs_the_fills_in_order(monkeypatch):
    text = HEAD + CALL + "]}"
    # quoted_pairs after named_values: 'd' is claimed by destination, so the pair (source,
    # destination) = ('d', 's') is not put; remembered_keys last sets the remembered 'm'
    named = [{"tool": "cp", "key": "destination"}]
    pairs = [{"tool": "cp", "keys": ["source", "destination"]}]
    assert destination(predicted(monkeypatch, text, named_values=named)) == "d"
    assert destination(predicted(monkeypatch, text, named_values=named, quoted_pairs=pairs)) == "d"
    assert destination(predicted(monkeypatch, text, named_values=named, quoted_pairs=pairs,
                                 remembered=["destination"])) == "m"


def test_previous_files_fills_last_and_keeps_the_questions_quoted_spans(monkeypatch):
    # a question naming no file: previous_files, last, sets the earlier copy's source "n"; a question
    # quoting two unclaimed spans: quoted_pairs puts them as (source, destination) and previous_files
    # keeps a value that is a quoted span of the question no other argument holds
    text = HEAD + CALL + "]}"
    pairs = [{"tool": "cp", "keys": ["source", "destination"]}]
    previous = [{"tool": "cp", "key": "source"}]
    unnamed = MESSAGES[:2] + [{"role": "user", "content": "Now copy it over there."}]
    assert predicted(monkeypatch, text, unnamed, quoted_pairs=pairs, previous_files=previous) \
        .response["tool_calls"][0]["arguments"] == {"source": "n", "destination": "y"}
    quoted = MESSAGES[:2] + [{"role": "user", "content": "Now copy 'd' over 's'."}]
    paired = predicted(monkeypatch, text, quoted, quoted_pairs=pairs)
    assert paired.response["tool_calls"][0]["arguments"] == {"source": "d", "destination": "s"}
    filled = predicted(monkeypatch, text, quoted, quoted_pairs=pairs, previous_files=previous)
    assert filled.response["tool_calls"][0]["arguments"] == {"source": "d", "destination": "s"}


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
