"""Test data for the trainer: a synthetic booking agent whose answers are tool calls built from
values in the request, written in the trainer dataset format; and a tiny random base model."""

from __future__ import annotations

import json
import random
from pathlib import Path

TOOLS = [
    {"name": "book_table", "description": "Book a restaurant table.",
     "parameters": {"type": "object", "properties": {
         "restaurant": {"type": "string"}, "people": {"type": "integer"}, "date": {"type": "string"},
         "time": {"type": "string"}}, "required": ["restaurant", "people", "date"]}},
    {"name": "cancel_booking", "description": "Cancel a booking.",
     "parameters": {"type": "object", "properties": {"booking_id": {"type": "string"}}, "required": ["booking_id"]}},
    {"name": "rate_visit", "description": "Rate a visit.",
     "parameters": {"type": "object", "properties": {"booking_id": {"type": "string"}, "stars": {"type": "number"}},
                    "required": ["booking_id", "stars"]}},
]
PLACES = ["Luigi", "Chez Anne", "Sakura", "Blue Door", "Casa Lupe", "Nordic Table", "Taj", "Pho 99"]
BOOK = ["Book a table at '{r}' for {p} people on {d} at {t}.", "Please reserve '{r}' on {d} at {t} for {p}.",
        "Can you get us a table for {p} at '{r}', {d} {t}?", "I need '{r}' for {p} guests on {d}, {t} please."]
CANCEL = ["Cancel booking {b}.", "Please cancel my reservation {b}, plans changed.", "Drop booking {b}."]
RATE = ["Rate booking {b} with {s} stars.", "Give {s} stars to visit {b}.", "My visit {b} deserves {s} stars."]


def booking_examples(count: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        kind = rng.random()
        if kind < 0.5:
            r, p = rng.choice(PLACES), rng.randint(1, 12)
            d = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            t = f"{rng.randint(11, 22)}:{rng.choice(['00', '15', '30', '45'])}"
            text = rng.choice(BOOK).format(r=r, p=p, d=d, t=t)
            call = {"name": "book_table", "arguments": {"restaurant": r, "people": p, "date": d, "time": t}}
        elif kind < 0.75:
            b = f"BK{rng.randint(1000, 99999)}"
            text = rng.choice(CANCEL).format(b=b)
            call = {"name": "cancel_booking", "arguments": {"booking_id": b}}
        else:
            b, s = f"BK{rng.randint(1000, 99999)}", rng.choice([1, 2, 3, 4, 5, 3.5, 4.5])
            text = rng.choice(RATE).format(b=b, s=s)
            call = {"name": "rate_visit", "arguments": {"booking_id": b, "stars": s}}
        rows.append({"format": 1, "id": f"ex{index}", "conversation": f"conv{index}", "weight": 1,
                     "messages": [{"role": "user", "content": text}],
                     "target": {"content": None, "tool_calls": [call]}})
    return rows


def write_cluster(run_dir: Path, cluster_id: str, rows: list[dict], tools: list[dict] = TOOLS) -> Path:
    """Writes cluster.json and an 80/10/10 split of `rows`."""
    path = run_dir / "clusters" / cluster_id
    path.mkdir(parents=True, exist_ok=True)
    info = {"format": 1, "id": cluster_id, "label": "booking agent", "prefix_hash": "ab" * 32, "system": "You book.",
            "tools": tools, "size": len(rows), "traffic_share": 1.0, "cost_share": 1.0}
    (path / "cluster.json").write_text(json.dumps(info))
    n = len(rows)
    parts = {"train": rows[: int(n * 0.8)], "val": rows[int(n * 0.8) : int(n * 0.9)], "test": rows[int(n * 0.9) :]}
    for split, items in parts.items():
        (path / f"{split}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in items))
    return path


def refittable_specialist(run_dir: Path, examples: list, tools: list[dict], spec: dict | None = None) -> Path:
    """A cluster "c001" of `examples` (dataset.Example) and a specialist for it holding `spec` as its
    specialist.json (default: a bare scratch one with prompt feature `retrieval_hint` only), for
    `refit` to add the answer fills to (no model: refit needs none)."""
    rows = [{"format": 1, "id": f"r{i}", "messages": e.messages, "target": e.target} for i, e in enumerate(examples)]
    write_cluster(run_dir, "c001", rows, tools=tools)
    specialist = run_dir / "specialists" / "c001"
    specialist.mkdir(parents=True)
    spec = spec or {"prompt_features": ["retrieval_hint"], "recipe": "scratch"}
    (specialist / "specialist.json").write_text(json.dumps(spec))
    return specialist


def tiny_base_model(directory: Path) -> Path:
    """A randomly initialised 2-layer Llama with a small byte-level BPE tokenizer, saved locally."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    torch.manual_seed(0)
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=["<s>", "</s>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tokenizer.train_from_iterator([r["messages"][0]["content"] for r in booking_examples(200, seed=9)], trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, bos_token="<s>", eos_token="</s>")
    config = LlamaConfig(vocab_size=len(fast), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
                         tie_word_embeddings=False)
    model = LlamaForCausalLM(config)
    directory.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(directory))
    fast.save_pretrained(str(directory))
    return directory
