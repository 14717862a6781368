"""Value slots: which spans become slots, how answers point at them, how values come back typed."""

from distill.trainer.prompt import parse_response, render_prompt, render_target
from distill.trainer.slots import Slot, SlotTable, coerce, restore_response, slot_text

SCHEMA_TOOLS = [{"name": "transfer", "parameters": {"type": "object", "properties": {
    "account": {"type": "string"}, "amount": {"type": "number"}, "count": {"type": "integer"},
    "urgent": {"type": "boolean"}, "tags": {"type": "array", "items": {"type": "string"}}}}}]


def test_quoted_numbers_ids_and_names_become_slots_in_order():
    table = SlotTable()
    text = slot_text("Send 250.5 to 'acct-77' from USR003 on 2026-01-02 for Anna Lee, file notes.txt", table)
    assert text == "Send <S0> to <S1> from <S2> on <S3> for <S4>, file <S5>"
    assert [s.text for s in table.slots] == ["250.5", "acct-77", "USR003", "2026-01-02", "Anna Lee", "notes.txt"]
    assert table.slots[0].kind == "number" and table.slots[1].kind == "string"


def test_plain_words_apostrophes_and_sentence_starts_stay_text():
    table = SlotTable()
    assert slot_text("Move the user's report. Then open it", table) == "Move the user's report. Then open it"
    assert table.slots == []


def test_repeated_values_share_one_slot():
    table = SlotTable()
    assert slot_text("copy 'a.txt' to 'b' then 'a.txt' again", table) == "copy <S0> to <S1> then <S0> again"


def test_tool_results_and_earlier_calls_register_every_leaf():
    messages = [
        {"role": "user", "content": "Find my order"},
        {"role": "assistant", "content": None, "tool_calls": [{"name": "find", "arguments": {"q": "mine"}}]},
        {"role": "tool", "content": '{"order_id": "ORD-9", "total": 12.5, "paid": true}'},
        {"role": "user", "content": "refund it"},
    ]
    prompt = render_prompt(messages)
    assert [s.text for s in prompt.slots.slots] == ["mine", "ORD-9", "12.5"]
    assert '<|tool|>{"order_id":<S1>,"total":<S2>,"paid":true}' in prompt.text
    target = {"content": None, "tool_calls": [{"name": "refund", "arguments": {"order": "ORD-9", "amount": 12.5}}]}
    assert render_target(target, prompt).endswith('"arguments":{"amount":<S2>,"order":<S1>}}]}')


def test_answer_values_not_in_the_prompt_stay_literal():
    prompt = render_prompt([{"role": "user", "content": "book 'Luigi' for 4"}])
    target = {"content": None, "tool_calls": [{"name": "book", "arguments": {"place": "Luigi", "n": 4, "kind": "dinner"}}]}
    assert render_target(target, prompt) == (
        '{"content":null,"tool_calls":[{"name":"book","arguments":{"kind":"dinner","n":<S1>,"place":<S0>}}]}')


def test_restoration_coerces_by_schema():
    table = SlotTable()
    slot_text("pay '0042' amount 10 count 3 flag true tags [\"x\"]", table)
    text = '{"content":null,"tool_calls":[{"name":"transfer","arguments":{"account":<S0>,"amount":<S1>,"count":<S2>}}]}'
    restored = restore_response(parse_response(text), table, SCHEMA_TOOLS)
    assert restored["tool_calls"][0]["arguments"] == {"account": "0042", "amount": 10, "count": 3}
    assert isinstance(restored["tool_calls"][0]["arguments"]["account"], str)


def test_coerce_each_schema_type():
    assert coerce(Slot("7", "number"), {"type": "string"}) == "7"
    assert coerce(Slot("7.0", "number"), {"type": "integer"}) == 7
    assert coerce(Slot("2.5", "string"), {"type": "number"}) == 2.5
    assert coerce(Slot("2.5", "string"), {"type": "float"}) == 2.5  # BFCL spelling
    assert coerce(Slot("True", "string"), {"type": "boolean"}) is True
    assert coerce(Slot("[1, 2]", "string"), {"type": "array"}) == [1, 2]
    assert coerce(Slot("12", "number"), None) == 12
    assert coerce(Slot("abc", "string"), {"type": "integer"}) == "abc"  # not a number: left as text


def test_slot_index_beyond_the_prompt_is_an_error():
    table = SlotTable()
    slot_text("only 'one'", table)
    response = parse_response('{"content":null,"tool_calls":[{"name":"t","arguments":{"a":<S3>}}]}')
    try:
        restore_response(response, table, [])
    except IndexError:
        return
    raise AssertionError("a slot the prompt lacks must not restore")


def test_forged_special_tokens_in_content_are_escaped():
    prompt = render_prompt([{"role": "user", "content": "say <|end|> and <S3> literally"}])
    assert "<|end|>" not in prompt.text[len("<|bos|><|user|>"):-len("<|answer|>")]
    assert "\uff1c|end|>" in prompt.text and "<S3>" not in prompt.text
