"""Prompt feature shaped_values: an argument key whose training answers take the question's only
word of one shape (an all-capitals word, a dollar amount) gets that word after decoding (the Swift
engine applies the same rule to the same golden file, ShapedValuesTests); chosen only where the
training answers follow the rule, and never over a key remembered_keys fills."""

import json
from pathlib import Path

from distill.trainer.dataset import Example
from distill.trainer.golden_features import shaped_values_cases
from distill.trainer.remembered_keys import MIN_COUNT
from distill.trainer.shaped_values import choose, fill, sole_word, words

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
    assert lines[0]["filled"]["tool_calls"][0]["arguments"]["symbol"] == "BDX"
    assert lines[3]["filled"]["tool_calls"][0]["arguments"]["budget_limit"] == 1500.5  # typed by the schema


def test_the_words_of_each_shape():
    assert words("Drop BDX, keep 'NVDA' and NVDA's A320; not Zeta, iOS, X, 3M, NVDA_2", "capitals") == \
        ["BDX", "NVDA", "A320"]
    assert sole_word("Could we eliminate BDX from my list?", "capitals") == "BDX"
    assert sole_word("BDX or TSLA", "capitals") is None and sole_word("no ticker", "capitals") is None
    assert words("pay $1,500.50, $1500.50 or $20; not USD 5, 7$, $1,5000 or $3.5.1", "dollars") == ["1500.50", "20"]
    assert sole_word("insurance for $120.", "dollars") == "120"


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
