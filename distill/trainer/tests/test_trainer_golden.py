"""The prompt format and the tiny specialist's logits match the committed golden files, which the
Swift inference engine tests against too: a change here is a prompt-format change."""

import json
from pathlib import Path

import torch
from tokenizers import Tokenizer
from transformers import AutoModelForCausalLM

from distill.trainer import PROMPT_FORMAT_VERSION
from distill.trainer.golden import golden_cases
from distill.trainer.prompt import END, parse_response, render_prompt, render_target
from distill.trainer.slots import restore_response

GOLDEN = Path(__file__).parent / "golden"


def _cases():
    path = GOLDEN / f"prompt_format_v{PROMPT_FORMAT_VERSION}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_case_renders_exactly_as_the_golden_file():
    cases = _cases()
    assert [c["name"] for c in cases] == [c["name"] for c in golden_cases()]
    for case in cases:
        prompt = render_prompt(case["messages"], 64, case["request_tools"])
        assert prompt.text == case["prompt_text"], case["name"]
        assert prompt.head == case["prompt_head"], case["name"]
        assert prompt.slots.to_json() == case["slots"], case["name"]
        assert render_target(case["target"], prompt) == case["target_text"], case["name"]


def test_golden_tokenizer_gives_the_golden_ids():
    tokenizer = Tokenizer.from_file(str(GOLDEN / "tokenizer.json"))
    for case in _cases():
        assert tokenizer.encode(case["prompt_text"], add_special_tokens=False).ids == case["prompt_ids"], case["name"]
        assert tokenizer.encode(case["target_text"] + END, add_special_tokens=False).ids == case["target_ids"]
        # Decoding the answer ids gives the target text back, byte for byte.
        assert tokenizer.decode(case["target_ids"][:-1], skip_special_tokens=False) == case["target_text"]


def test_golden_targets_restore_to_the_expected_answer():
    for case in _cases():
        prompt = render_prompt(case["messages"], 64, case["request_tools"])
        restored = restore_response(parse_response(case["target_text"]), prompt.slots, case["tools"])
        assert restored == case["target"], case["name"]


def test_slot_limit_and_long_values_follow_the_documented_rules():
    by_name = {c["name"]: c for c in _cases()}
    assert len(by_name["slot_limit"]["slots"]) == 64
    assert "169" in by_name["slot_limit"]["prompt_text"]  # the 70th number stays text
    assert by_name["long_value_not_slotted"]["slots"] == [{"text": "7", "kind": "number"}]


def test_request_tools_are_listed_and_answers_name_them_by_slot():
    by_name = {c["name"]: c for c in _cases()}
    call = by_name["request_tools_call_by_slot"]
    # v3: the question's values are numbered first, then the list's names, parameter names, enums.
    assert call["prompt_text"].startswith(
        "<|bos|><|tools|><S2>get_weather(<S3>city:string,<S4>unit?:string=<S5>|<S6>,<S7>days?:integer)")
    assert call["prompt_text"].endswith("<|user|>Weather in <S0> for <S1> days, in fahrenheit please.<|answer|>")
    # Keys are parameter-name slots in the tool's schema order (city, unit, days), not sorted.
    assert call["target_text"] == ('{"content":null,"tool_calls":[{"name":<S2>,"arguments":'
                                   '{"<S3>":<S0>,"<S4>":<S6>,"<S7>":<S1>}}]}')
    keys = by_name["request_tools_keys_shared_and_unknown"]
    # A key two tools share has one slot; a key outside the schema is spelled, after the others.
    assert '{"name":<S5>,"arguments":{"<S6>":"butter","<S2>":<S0>,"zone":"EU"}}' in keys["target_text"]
    history = by_name["request_tools_history_values_first"]
    # Texts the tool list repeats (the enum "celsius", the name get_weather, mentioned in the
    # question) keep their message slots; history calls are written with name and key slots.
    assert history["prompt_text"].startswith("<|bos|><|tools|><S3>get_weather(<S5>city:string,<S6>unit?:string=<S1>|<S7>)")
    assert '<|assistant|>{"content":null,"tool_calls":[{"name":<S3>,"arguments":{"<S5>":<S0>,"<S6>":<S1>}}]}' in history[
        "prompt_text"]
    text = by_name["request_tools_text_answer_names_tools"]
    # The longest tool name wins where two start at the same place.
    assert text["target_text"] == '{"content":"None of the functions (<S0>, <S2>) applies.","tool_calls":[]}'
    # Without request tools nothing changes from version 1: names are call-head text.
    assert '{"name":"send_message","arguments":' in by_name["single_user_turn"]["target_text"]


def test_tiny_specialist_logits_match_the_golden_file():
    directory = GOLDEN / "tiny-specialist"
    model = AutoModelForCausalLM.from_pretrained(str(directory), dtype=torch.float32).eval()
    golden = json.loads((directory / "golden_logits.json").read_text())
    assert golden["cases"], "golden_logits.json has no cases"
    with torch.no_grad():
        for case in golden["cases"]:
            logits = model(input_ids=torch.tensor([case["input_ids"]])).logits[0, -1]
            assert torch.allclose(logits, torch.tensor(case["last_logits"]), atol=1e-4)
