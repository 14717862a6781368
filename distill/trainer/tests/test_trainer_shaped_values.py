"""Prompt feature shaped_values: an argument key whose training answers take the question's only
word of one shape (an all-capitals word, a dollar amount) gets that word after decoding (the Swift
engine applies the same rule to the same golden file, ShapedValuesTests); chosen only where the
training answers follow the rule, and never over a key remembered_keys fills."""

import json
from pathlib import Path

from distill.trainer.dataset import Example
from distill.trainer.golden_features import shaped_values_cases
from distill.trainer.refit import refit
from distill.trainer.remembered_keys import MIN_COUNT
from distill.trainer.shaped_values import choose, fill, sole_word, words
from distill.trainer.tests.trainer_fixtures import refittable_specialist

GOLDEN = Path(__file__).parent / "golden" / "shaped_values.jsonl"
TOOLS = [{"name": "remove_stock", "parameters": {"type": "object", "properties": {
    "symbol": {"type": "string"}}, "required": ["symbol"]}},
         {"name": "get_stock_info", "parameters": {"type": "object", "properties": {
             "symbol": {"type": "string"}}, "required": ["symbol"]}},
         {"name": "buy_insurance", "parameters": {"type": "object", "properties": {
             "cost": {"type": "number"}, "kind": {"type": "string"}}, "required": ["cost"]}}]


def call(question: str, tool: str, earlier: str | None = None, **arguments) -> Example:
    messages = [{"role": "user", "content": question}]
    if earlier is not None:  # an earlier call wrote a symbol: the conversation remembers it
        messages = [{"role": "assistant", "content": None, "tool_calls": [
            {"name": "get_stock_info", "arguments": {"symbol": earlier}}]}] + messages
    return Example("e", messages, {"content": None, "tool_calls": [{"name": tool, "arguments": arguments}]})


def test_fills_match_the_golden_file():
    lines = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert lines == shaped_values_cases()
    filled = {line["name"]: line["filled"]["tool_calls"][0]["arguments"] for line in lines}
    assert filled["the_only_capitals_word"]["symbol"] == "BDX"
    # typed by the schema: a number takes 1500.5, the integer `nights` keeps what the answer wrote
    assert filled["dollars_typed_by_the_schema"] == {"access_token": "t", "budget_limit": 1500.5, "nights": 2}
    assert filled["words_cut_from_longer_words_are_no_capitals"]["symbol"] == "TSLA"
    assert filled["dollar_amounts_equal_in_value_are_one"]["budget_limit"] == 120


def test_the_words_of_each_shape():
    assert words("Drop BDX, keep 'NVDA' and NVDA's A320; not Zeta, iOS, X, 3M, NVDA_2", "capitals") == \
        ["BDX", "NVDA", "A320"]
    assert sole_word("Could we eliminate BDX from my list?", "capitals") == "BDX"
    assert sole_word("BDX or TSLA", "capitals") is None and sole_word("no ticker", "capitals") is None
    assert words("pay $1,500.50, $1500.50 or $20; not USD 5, 7$, $1,5000 or $3.5.1", "dollars") == ["1500.50", "20"]
    assert sole_word("insurance for $120.", "dollars") == "120"
    assert sole_word("$120.00, that is $120 or $120.0", "dollars") == "120.00"  # one value
    # a capitals word is never cut out of a longer word
    assert words("MÜNCHEN, ÀBC, ABCÉ, X-RAY, COVID-19, BRK.B, A.BC", "capitals") == []
    assert words("but NVDA. and (AAPL)-GOOG!", "capitals") == ["NVDA", "AAPL"]


def test_a_key_is_chosen_over_all_its_tools_when_the_answers_take_the_sole_word():
    tickers = ["BDX", "TSLA", "ZETA", "AAPL"]
    right = [call(f"Could we eliminate {t} from my list?", "remove_stock", symbol=t) for t in tickers] + \
        [call(f"Tell me about '{t}'.", "get_stock_info", symbol=t) for t in tickers[:2]]
    choice = choose(right, TOOLS)
    assert choice["arguments"] == [{"key": "symbol", "shape": "capitals"}]
    assert choice["counts"] == {"symbol.capitals": [6, 6]}
    assert choose(right[:MIN_COUNT - 1], TOOLS)["arguments"] == []  # fewer than MIN_COUNT
    # the answers take another value in most questions: not chosen
    wrong = right[:2] + [call(f"Drop {t} and keep the one I bought.", "remove_stock", symbol="NVDA") for t in tickers]
    assert choose(wrong, TOOLS) == {"arguments": [], "counts": {}}
    # where remembered_keys fills symbol, those answers do not count
    remembered = [call(f"Drop {t} now.", "remove_stock", earlier="X1", symbol=t) for t in tickers * 2]
    assert choose(remembered, TOOLS, ["symbol"])["arguments"] == []
    assert choose(remembered, TOOLS)["arguments"] == [{"key": "symbol", "shape": "capitals"}]


def test_dollar_amounts_are_right_by_value_and_typed_by_the_schema():
    paid = [call(f"Insure it for ${n},000 please.", "buy_insurance", cost=float(n * 1000), kind="full")
            for n in range(1, MIN_COUNT + 1)]
    assert choose(paid, TOOLS)["arguments"] == [{"key": "cost", "shape": "dollars"}]
    rules = [{"key": "cost", "shape": "dollars"}]
    wrote = {"content": None, "tool_calls": [{"name": "buy_insurance", "arguments": {"cost": 45451592, "kind": "full"}}]}
    filled = fill(wrote, [{"role": "user", "content": "Comprehensive insurance for $120, same card."}], rules, TOOLS)
    assert filled["tool_calls"][0]["arguments"] == {"cost": 120, "kind": "full"}
    # a word the schema's type cannot take leaves the written value (the grammar allows no other)
    nights = [{"key": "nights", "shape": "dollars"}, {"key": "kind", "shape": "capitals"}]
    tools = [{"name": "stay", "parameters": {"type": "object", "properties": {
        "nights": {"type": "integer"}, "kind": {"type": "number"}}}}]
    stay = {"content": None, "tool_calls": [{"name": "stay", "arguments": {"nights": 2, "kind": 1.5}}]}
    for question, nights_after in [("Stay for $120.50 in the SUITE.", 2), ("Stay for $120.00 in the SUITE.", 120)]:
        filled = fill(stay, [{"role": "user", "content": question}], nights, tools)
        assert filled["tool_calls"][0]["arguments"] == {"nights": nights_after, "kind": 1.5}, question


def test_the_fill_replaces_only_written_listed_keys_and_needs_one_word():
    rules = [{"key": "symbol", "shape": "capitals"}]
    messages = [{"role": "user", "content": "Could we eliminate BDX from my list?"}]
    wrote = {"content": None, "tool_calls": [{"name": "remove_stock", "arguments": {"symbol": "NVDA"}},
                                             {"name": "buy_insurance", "arguments": {"cost": 5}}]}
    assert [c["arguments"] for c in fill(wrote, messages, rules, TOOLS)["tool_calls"]] == [{"symbol": "BDX"}, {"cost": 5}]
    two = [{"role": "user", "content": "Swap BDX for TSLA."}]
    assert fill(wrote, two, rules, TOOLS) == wrote
    text = {"content": "Which one?", "tool_calls": []}
    assert fill(text, messages, rules, TOOLS) == text


def test_refit_leaves_remembered_keys_out_only_where_that_feature_is_wanted(tmp_path):
    # every answer takes the ticker the question names and an earlier call wrote: remembered_keys
    # fills `symbol` where it is wanted; where it is not, shaped_values is listed (training alike)
    tickers = ["BDX", "TSLA", "ZETA", "AAPL", "MSFT", "NVDA"]
    specialist = refittable_specialist(
        tmp_path, [call(f"Drop {t} now.", "remove_stock", earlier=t, symbol=t) for t in tickers * 2], TOOLS)
    refit(tmp_path, "c001", specialist, features=["remembered_keys", "shaped_values"])
    info = json.loads((specialist / "specialist.json").read_text())
    assert info["remembered_keys"]["keys"] == ["symbol"] and "shaped_values" not in info
    refit(tmp_path, "c001", specialist, features=["shaped_values"])
    info = json.loads((specialist / "specialist.json").read_text())
    assert info["shaped_values"]["arguments"] == [{"key": "symbol", "shape": "capitals"}]
    assert "shaped_values" in info["prompt_features"] and "remembered_keys" not in info
    refit(tmp_path, "c001", specialist, features=["cue_values"])  # left out of --features: dropped
    info = json.loads((specialist / "specialist.json").read_text())
    assert "shaped_values" not in info["prompt_features"] and "shaped_values" not in info
