"""Prompt feature ordinal_items: an argument key whose training answers take the first or last item
of the latest listed tool result when the question says "first" or "last" gets that item after
decoding (the Swift engine applies the same rule to the same golden file, OrdinalItemsTests);
chosen only where the training answers follow the rule, and listed by refit."""

import json
from pathlib import Path

from distill.trainer.dataset import Example
from distill.trainer.golden_features import ordinal_items_cases
from distill.trainer.ordinal_items import choose, fill, listed_result, ordinal
from distill.trainer.refit import refit
from distill.trainer.remembered_keys import MIN_COUNT
from distill.trainer.tests.trainer_fixtures import refittable_specialist

GOLDEN = Path(__file__).parent / "golden" / "ordinal_items.jsonl"
TOOLS = [{"name": "get_stock_info", "parameters": {"type": "object", "properties": {
    "symbol": {"type": "string"}}, "required": ["symbol"]}},
         {"name": "get_watchlist", "parameters": {"type": "object", "properties": {}}}]
LISTS = [["NVDA", "ZETA"], ["AAPL", "MSFT", "GOOG"], ["TSLA", "ALPH"], ["QUAS", "OMEG", "SYNX"], ["META", "AMZN"],
         ["BDX", "NFLX"]]


def asked(question: str, items: list[str], symbol: str, earlier: str | None = None) -> Example:
    """A question after a watchlist result, answered with get_stock_info(symbol); `earlier`: a
    symbol an earlier get_stock_info call of the conversation wrote."""
    before = [{"role": "assistant", "content": None,
               "tool_calls": [{"name": "get_stock_info", "arguments": {"symbol": earlier}}]}] if earlier else []
    messages = [{"role": "user", "content": "Show my watchlist."}, *before,
                {"role": "assistant", "content": None, "tool_calls": [{"name": "get_watchlist", "arguments": {}}]},
                {"role": "tool", "content": json.dumps({"watchlist": items})},
                {"role": "user", "content": question}]
    return Example("e", messages, {"content": None, "tool_calls": [{"name": "get_stock_info",
                                                                    "arguments": {"symbol": symbol}}]})


def test_fills_match_the_golden_file():
    lines = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert lines == ordinal_items_cases()
    filled = {line["name"]: line["filled"]["tool_calls"] for line in lines}
    assert filled["the_first_item"][0]["arguments"] == {"symbol": "NVDA"}
    assert filled["the_last_item_in_capitals"][0]["arguments"] == {"symbol": "ALPH"}
    assert filled["both_words_fill_nothing"][0]["arguments"] == {"symbol": "ZETA"}
    assert filled["a_list_found_depth_first"][0]["arguments"] == {"symbol": "META"}
    assert filled["a_top_level_array"][0]["arguments"] == {"symbol": "B"}
    # a later result that is no strict JSON (NaN, a key written twice, 01, ...) lists nothing: the watchlist's first
    refused = [name for name in filled if name.startswith("a_result_with_")]
    assert len(refused) == 6 and all(filled[name][0]["arguments"] == {"symbol": "NVDA"} for name in refused)
    assert filled["a_list_inside_a_mixed_array"][0]["arguments"] == {"symbol": "A"}
    # a number written under the key, and another key, keep their values
    assert [c["arguments"] for c in filled["only_written_strings_of_listed_keys"]] == \
        [{"symbol": 7, "order_type": "ZETA"}, {"symbol": "NVDA"}, {}]
    # "First, add NVDA ..., then sell TSLA": the values the question writes stay; "NVD" is no whole word of it
    assert [c["arguments"] for c in filled["values_the_question_writes_are_kept"]] == \
        [{"symbol": "TSLA"}, {"symbol": "NVDA"}, {"symbol": "AAPL"}]


def test_the_ordinal_and_the_listed_result():
    assert ordinal("the First one") == "first" and ordinal("the last, the LAST") == "last"
    assert ordinal("first and last") is None and ordinal("firstly, atlast, first_name, last2") is None
    assert listed_result([{"role": "tool", "content": '{"a": ["x", "y"]}'}, {"role": "tool", "content": "ok"}]) == ["x", "y"]
    assert listed_result([{"role": "user", "content": '["x"]'}]) is None  # only tool results


def test_a_key_is_chosen_when_the_answers_take_the_ordinal_item():
    right = [asked("Report on the first stock listed.", items, items[0]) for items in LISTS[:3]] + \
        [asked("The last one looks promising, details please.", items, items[-1]) for items in LISTS[3:]]
    choice = choose(right, TOOLS)
    assert choice == {"keys": ["symbol"], "counts": {"symbol": [6, 6]}}
    assert choose(right[:MIN_COUNT - 1], TOOLS)["keys"] == []  # fewer than MIN_COUNT
    # the answers take another item in most such questions: not chosen
    wrong = right[:2] + [asked("Report on the first stock listed.", items, items[-1]) for items in LISTS]
    assert choose(wrong, TOOLS)["keys"] == []
    # a question with no ordinal does not count either way, nor a value the question writes (the fill keeps it)
    assert choose(right + [asked("Details on AAPL.", items, "AAPL") for items in LISTS], TOOLS) == choice
    assert choose(right + [asked("Compare the first one with AAPL.", items, "AAPL") for items in LISTS], TOOLS) == choice


def test_a_key_remembered_keys_fills_is_not_counted():
    """Where an earlier call wrote the key and remembered_keys lists it, that fill sets the key:
    its answers are no evidence for ordinal_items."""
    right = [asked("Report on the first stock listed.", items, items[0], earlier="QQQ") for items in LISTS]
    assert choose(right, TOOLS)["keys"] == ["symbol"]
    assert choose(right, TOOLS, remembered=["symbol"]) == {"keys": [], "counts": {}}
    # listed in remembered_keys, but no earlier call wrote it: counted
    fresh = [asked("Report on the first stock listed.", items, items[0]) for items in LISTS]
    assert choose(fresh, TOOLS, remembered=["symbol"])["keys"] == ["symbol"]


def test_the_fill_needs_an_ordinal_and_a_listed_result():
    keys = ["symbol"]
    wrote = {"content": None, "tool_calls": [{"name": "get_stock_info", "arguments": {"symbol": "ZETA"}}]}
    example = asked("A detailed report on the first stock listed in my watchlist.", ["NVDA", "ZETA"], "NVDA")
    assert fill(wrote, example.messages, keys) == example.target
    assert fill(wrote, example.messages[-1:], keys) == wrote  # no tool result
    named = asked("Details on the first stock, ZETA.", ["NVDA", "ZETA"], "ZETA")
    assert fill(wrote, named.messages, keys) == wrote  # the question writes ZETA
    text = {"content": "Which one?", "tool_calls": []}
    assert fill(text, example.messages, keys) == text


def test_refit_lists_the_chosen_keys(tmp_path):
    right = [asked("Report on the first stock listed.", items, items[0]) for items in LISTS] * 2
    specialist = refittable_specialist(tmp_path, right, TOOLS)
    refit(tmp_path, "c001", specialist, features=["ordinal_items"])
    info = json.loads((specialist / "specialist.json").read_text())
    assert info["ordinal_items"]["keys"] == ["symbol"]  # counted on the training split only
    right_count, seen = info["ordinal_items"]["counts"]["symbol"]
    assert right_count == seen and MIN_COUNT <= seen < len(right)
    assert "ordinal_items" in info["prompt_features"]
    refit(tmp_path, "c001", specialist, features=["cue_values"])  # left out of --features: dropped
    info = json.loads((specialist / "specialist.json").read_text())
    assert "ordinal_items" not in info["prompt_features"] and "ordinal_items" not in info


def test_the_trainers_evaluation_fills_with_the_chosen_keys(tmp_path, monkeypatch):
    """run.py hands evaluate the keys it chose and writes them to specialist.json (the served
    specialist fills as the held-out score was measured)."""
    from accelerate import Accelerator

    from distill.trainer import run
    from distill.trainer.tests.test_trainer_run import TINY
    from distill.trainer.tests.trainer_fixtures import write_cluster

    rows = [{"format": 1, "id": f"r{i}", "messages": e.messages, "target": e.target}
            for i, e in enumerate(asked(question, items, items[0] if "first" in question else items[-1])
                                  for question in ("Report on the first stock listed.", "The last one, details please.")
                                  for items in LISTS * 4)]
    write_cluster(tmp_path, "c001", rows, tools=TOOLS)
    seen, evaluate = {}, run.evaluate

    def spy(model, tokenizer, features, *args, **kwargs):
        seen["ordinal_items"] = kwargs["ordinal_items"]
        return evaluate(model, tokenizer, features, *args, **kwargs)

    monkeypatch.setattr(run, "evaluate", spy)
    options = run.Options(recipe="scratch", max_steps=3, recipe_overrides={**TINY, "ordinal_items": True},
                          eval_examples=4)
    out = Path(run.train_cluster(tmp_path, "c001", options, Accelerator(cpu=True), lambda event: None)["specialist"])
    info = json.loads((out / "specialist.json").read_text())
    assert seen["ordinal_items"] == ["symbol"] == info["ordinal_items"]["keys"]
    assert "ordinal_items" in info["prompt_features"]
