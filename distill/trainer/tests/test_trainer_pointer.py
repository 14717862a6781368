"""Model option pointer_head (pointer.py): pointer logits by content, the same on every path."""

import json
from pathlib import Path

import pytest
import torch
from accelerate import Accelerator
from transformers import AutoModelForCausalLM

from distill.trainer import pointer
from distill.trainer.run import Options, train_cluster
from distill.trainer.tests.trainer_fixtures import booking_examples, write_cluster

GOLDEN = Path(__file__).parent / "golden" / "tiny-pointer-specialist"
TINY = {"model": {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
                  "num_key_value_heads": 2, "max_position_embeddings": 256},
        "tokenizer": {"vocab_size": 420, "min_frequency": 2}, "eval_every": 3, "batch_size": 4,
        "retrieval_hint": 0, "question_spans": "all", "pointer_head": True}


def _golden_model():
    model = AutoModelForCausalLM.from_pretrained(str(GOLDEN), dtype=torch.float32).eval()
    assert pointer.load(model, GOLDEN) is not None
    return model


def test_the_committed_pointer_specialist_still_gives_its_golden_logits():
    # The Swift engine is tested against this file: it must describe what the trainer computes now.
    model = _golden_model()
    golden = json.loads((GOLDEN / "golden_logits.json").read_text())
    with torch.no_grad():
        for case in golden["cases"]:
            ids = case["input_ids"] + case["answer_ids"]
            answer = torch.arange(len(ids)).unsqueeze(0) >= len(case["input_ids"])
            logits = pointer.full_logits(model, torch.tensor([ids]), None, answer=answer)[0]
            assert torch.allclose(logits[len(case["input_ids"]) - 1], torch.tensor(case["last_logits"]), atol=1e-4)
            for row, expected in zip(case["answer_rows"], case["answer_logits"]):
                assert torch.allclose(logits[len(case["input_ids"]) + row], torch.tensor(expected), atol=1e-4)


def test_cached_decoding_follows_the_training_logits_and_never_points_outside_the_prompt():
    model = _golden_model()
    head = model.pointer_head
    case = json.loads((GOLDEN / "golden_logits.json").read_text())["cases"][0]
    prompt = case["input_ids"]
    generated = pointer.greedy(model, prompt, end_id=2, banned=[], max_new_tokens=12)
    with torch.no_grad():
        ids = torch.tensor([prompt + generated])
        logits = pointer.full_logits(model, ids, None, answer=torch.arange(ids.shape[1]).unsqueeze(0) >= len(prompt))[0]
    # Teacher-forcing the greedy answer reproduces each of its choices (KV cache path == full path).
    assert [int(logits[len(prompt) - 1 + i].argmax()) for i in range(len(generated))] == generated
    in_prompt = {t - head.first_id for t in prompt if head.first_id <= t < head.first_id + head.count}
    absent = [k for k in range(head.count) if k not in in_prompt]
    assert absent and (logits[len(prompt) - 1, [head.first_id + k for k in absent]] == pointer.ABSENT).all()


def test_training_with_the_head_saves_it_and_an_unknown_value_is_refused(tmp_path):
    write_cluster(tmp_path, "c001", booking_examples(60))
    options = Options(recipe="scratch", max_steps=4, recipe_overrides=TINY, eval_examples=4)
    entry = train_cluster(tmp_path, "c001", options, Accelerator(cpu=True), lambda event: None)
    out = Path(entry["specialist"])
    config = json.loads((out / "config.json").read_text())
    assert config[pointer.CONFIG_KEY]["count"] == 128 and config[pointer.CONFIG_KEY]["version"] == pointer.VERSION
    model = AutoModelForCausalLM.from_pretrained(str(out), dtype=torch.float32)
    head = pointer.load(model, out)
    assert head.proj.weight.shape == (32, 32) and head.after.abs().sum() > 0  # trained, not the zero init
    bad = Options(recipe="scratch", max_steps=1, recipe_overrides={**TINY, "pointer_head": "words"})
    with pytest.raises(ValueError, match="pointer_head 'words'"):
        train_cluster(tmp_path, "c001", bad, Accelerator(cpu=True), lambda event: None)
