"""The "answers built from values in the request" split, and slot relabelling for training."""

from distill.trainer.augment import SlotRelabeller, history_suffixes
from distill.trainer.dataset import Example
from distill.trainer.features import Feature
from distill.trainer.population import built_from_request
from distill.trainer.prompt import render_prompt
from distill.trainer.slots import SlotTable

TOOLS = [{"name": "trade", "parameters": {"type": "object", "properties": {
    "side": {"type": "string", "enum": ["buy", "sell"]}, "symbol": {"type": "string"},
    "amount": {"type": "integer"}, "dry_run": {"type": "boolean"}}}}]


def _in_request(user: str, arguments: dict, history: list[dict] | None = None) -> bool:
    messages = (history or []) + [{"role": "user", "content": user}]
    prompt = render_prompt(messages)
    target = {"content": None, "tool_calls": [{"name": "trade", "arguments": arguments}]}
    return built_from_request(target, messages, TOOLS, prompt.slots)


def test_values_copied_from_the_request_are_in_the_population():
    # Slotted values (NVDA, 100.0 written as 100) and plain lowercase words and enum values.
    assert _in_request("Please sell 100.0 shares of NVDA now", {"side": "sell", "symbol": "NVDA", "amount": 100})
    assert _in_request("Do the trade on the usual ticker", {"side": "buy", "dry_run": True})
    history = [{"role": "assistant", "content": None, "tool_calls": [{"name": "trade", "arguments": {"symbol": "ZETA"}}]}]
    assert _in_request("again, 5 more", {"symbol": "ZETA", "amount": 5}, history)


def test_values_the_request_does_not_hold_leave_the_population():
    assert not _in_request("Buy three shares of Zeta Corp", {"symbol": "ZETA", "amount": 3})  # words → values
    assert not _in_request("Buy 30 shares of NVDA", {"symbol": "NVDA", "amount": 3})  # 3 is only inside 30
    messages = [{"role": "user", "content": "hello"}]
    text_answer = {"content": "Which stock?", "tool_calls": []}
    assert not built_from_request(text_answer, messages, TOOLS, render_prompt(messages).slots)


def test_relabelling_renumbers_prompt_and_answer_alike_keeping_order():
    slot_ids = list(range(100, 164))
    feature = Feature(Example("e", [], {}), prompt_ids=[1, 100, 7, 102, 100, 6], target_ids=[9, 102, 2],
                      slots=SlotTable())
    relabel = SlotRelabeller(slot_ids, probability=1.0, seed=3)
    seen = set()
    for _ in range(20):
        out = relabel(feature)
        first, second = out.prompt_ids[1], out.prompt_ids[3]
        assert [out.prompt_ids[i] for i in (0, 2, 5)] == [1, 7, 6] and out.prompt_ids[4] == first  # other ids and repeats kept
        assert out.target_ids == [9, second, 2]  # the answer points at the same value as before
        assert 100 <= first < second < 164
        seen.add((first, second))
    assert len(seen) > 10  # numbers are really redrawn
    assert SlotRelabeller(slot_ids, probability=0.0, seed=3)(feature) is feature


def test_history_suffixes_keep_the_answer_copyable_and_cut_latest_first():
    opening = [{"role": "user", "content": "Buy 5 of NVDA"},
               {"role": "assistant", "content": None, "tool_calls": [{"name": "trade", "arguments": {"symbol": "NVDA"}}]},
               {"role": "tool", "content": '{"order_id": 77}'}]
    own_value = Example("a", opening + [{"role": "user", "content": "and 3 of AAPL"}],
                        {"content": None, "tool_calls": [{"name": "trade", "arguments": {"symbol": "AAPL", "amount": 3}}]})
    cuts = history_suffixes(own_value, None, 64, 2)
    assert [c.messages for c in cuts] == [own_value.messages[3:]] and cuts[0].target == own_value.target
    from_history = Example("b", opening + [{"role": "user", "content": "cancel that order"}],
                           {"content": None, "tool_calls": [{"name": "cancel", "arguments": {"order_id": 77}}]})
    assert history_suffixes(from_history, None, 64, 2) == []  # the cut would drop order 77
    assert history_suffixes(own_value, None, 64, 0) == []
