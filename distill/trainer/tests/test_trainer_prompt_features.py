"""Prompt features. retrieval_hint: the trainer picks the neighbours the golden files pin (the Swift
engine tests the same files), training prompts never see their own answer, and a trained
specialist records the feature and carries its index. recent_slots: the latest value is <S0>,
answers restore to the recorded ones, and the golden file pins the renumbered prompts."""

import json
from pathlib import Path

import numpy as np
from accelerate import Accelerator

from distill.trainer.dataset import Example
from distill.trainer.golden import CASE_TOOLS, golden_cases
from distill.trainer.golden_features import recent_slots_cases
from distill.trainer.prompt import parse_response, render_prompt, render_target
from distill.trainer.retrieval import HINT, Embedder, RetrievalIndex, answer_hint, query_text, with_hint
from distill.trainer.run import Options, train_cluster
from distill.trainer.slot_order import renumber_by_recency
from distill.trainer.slots import restore_response
from distill.trainer.tests.test_trainer_run import TINY
from distill.trainer.tests.trainer_fixtures import booking_examples, write_cluster

GOLDEN = Path(__file__).parent / "golden" / "retrieval"
RECENT_SLOTS = Path(__file__).parent / "golden" / "recent_slots.jsonl"


class WordEmbedder:
    """A fast stand-in for MiniLM: a normalised bag of hashed lowercase words."""

    def embed(self, texts):
        vectors = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                vectors[row, sum(map(ord, word)) % 64] += 1
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)


def _example(text: str, tool: str) -> Example:
    return Example(text, [{"role": "user", "content": text}],
                   {"content": None, "tool_calls": [{"name": tool, "arguments": {}}]})


def test_golden_requests_get_the_golden_neighbours_and_prompt():
    index = RetrievalIndex.load(GOLDEN)
    embedder = Embedder()
    cases = [json.loads(line) for line in (GOLDEN / "cases.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(cases) >= 3 and index.k == 2
    for case in cases:
        query = embedder.embed([query_text(case["messages"])])[0]
        assert index.neighbours(query) == case["neighbours"], case["name"]
        prompt = with_hint(render_prompt(case["messages"]), index.hint(query))
        assert prompt.text == case["prompt_text"], case["name"]


def test_training_hints_leave_the_example_out_and_skip_repeated_hints():
    examples = [_example("cancel my order", "cancel"), _example("cancel my order", "cancel_all"),
                _example("cancel the order now", "cancel"), _example("track my parcel", "track")]
    index = RetrievalIndex.build(examples, WordEmbedder(), k=2)
    hints = index.hints_for(examples, WordEmbedder(), leave_one_out=True)
    # The first example's twin text is its nearest other entry; its own answer is never shown.
    assert hints[id(examples[0])] == HINT + answer_hint(examples[1].target) + HINT + answer_hint(examples[2].target)
    assert index.neighbours(WordEmbedder().embed(["cancel my order"])[0]) == [0, 1]
    # Entries 0 and 2 share a hint: the second of them is skipped for a distinct one.
    assert index.neighbours(WordEmbedder().embed(["cancel the order now"])[0], exclude=1) == [2, 3]


def test_a_hinted_specialist_records_the_feature_and_saves_its_index(tmp_path):
    write_cluster(tmp_path, "c001", booking_examples(60))
    overrides = {**TINY, "retrieval_hint": 2, "recent_slots": True}
    options = Options(recipe="scratch", max_steps=4, recipe_overrides=overrides, eval_examples=4)
    entry = train_cluster(tmp_path, "c001", options, Accelerator(cpu=True), lambda event: None)
    out = Path(entry["specialist"])
    info = json.loads((out / "specialist.json").read_text())
    assert info["prompt_features"] == ["retrieval_hint", "recent_slots", "hint_tools", "clause_hint_tools",
                                       "tool_choice", "cue_values", "shaped_values", "unit_numbers", "named_values",
                                       "distinct_calls", "complete_calls"]
    # shaped_values: the booking ids are capitals words; unit_numbers: "for 2 people", "5 stars"
    assert info["unit_numbers"]["keys"] == ["people", "stars"]
    # the fixture's restaurants are quoted ("at 'Luigi'"): the answers copy the question's span
    assert info["named_values"]["arguments"] == [{"tool": "book_table", "key": "restaurant"}]
    # the fixture's questions name the date right after "on" ("... for 2 people on 2026-05-01")
    assert {"tool": "book_table", "key": "date", "cue": "on"} in info["cue_values"]["arguments"]
    assert info["retrieval"]["k"] == 2
    index = RetrievalIndex.load(out)
    assert len(index.hints) == info["examples"]["train"] == info["retrieval"]["entries"]
    assert '{"name":"book_table","arguments":' in index.hints
    added = {t["content"] for t in json.loads((out / "tokenizer.json").read_text())["added_tokens"]}
    assert HINT in added


def test_a_cluster_whose_requests_bring_their_tools_keeps_the_plain_prompt(tmp_path):
    rows = booking_examples(40)
    for row in rows:
        row["tools"] = [{"name": "book_table", "parameters": {"type": "object", "properties": {}}}]
    write_cluster(tmp_path, "generic", rows)
    options = Options(recipe="scratch", max_steps=2, skip_eval=True,
                      recipe_overrides={**TINY, "retrieval_hint": 2, "recent_slots": True})
    out = Path(train_cluster(tmp_path, "generic", options, Accelerator(cpu=True), lambda event: None)["specialist"])
    # Only the request-tools features of the shipped recipe (decoding only): no hint, no renumbering.
    assert json.loads((out / "specialist.json").read_text())["prompt_features"] == ["clause_tools", "call_limit", "unit_exponents",
                                                                                 "complete_calls"]
    assert not (out / "retrieval.json").exists()


def test_recent_slots_number_the_latest_value_first_and_restore_the_answer():
    messages = [{"role": "user", "content": "Book a flight from JFK to LAX."},
                {"role": "assistant", "content": None, "tool_calls": [
                    {"name": "book_flight", "arguments": {"travel_from": "JFK", "travel_to": "LAX"}}]},
                {"role": "tool", "content": '{"booking_id": "5431449"}'},
                {"role": "user", "content": "Cancel it, my token is ABC123."}]
    target = {"content": None, "tool_calls": [
        {"name": "cancel_booking", "arguments": {"access_token": "ABC123", "booking_id": "5431449"}}]}
    prompt = renumber_by_recency(render_prompt(messages))
    assert prompt.text.endswith("my token is <S0>.<|answer|>") and "booking_id\":<S1>" in prompt.text
    assert render_target(target, prompt) == ('{"content":null,"tool_calls":[{"name":"cancel_booking",'
                                             '"arguments":{"access_token":<S0>,"booking_id":<S1>}}]}')
    for case in golden_cases():
        prompt = renumber_by_recency(render_prompt(case["messages"], 64, case.get("request_tools")))
        answer = restore_response(parse_response(render_target(case["target"], prompt)), prompt.slots,
                                  case.get("request_tools") or CASE_TOOLS)
        assert [c["name"] for c in answer["tool_calls"]] == [c["name"] for c in case["target"]["tool_calls"]]


def test_recent_slots_render_exactly_as_the_golden_file():
    lines = [json.loads(line) for line in RECENT_SLOTS.read_text(encoding="utf-8").splitlines()]
    assert lines == recent_slots_cases()
