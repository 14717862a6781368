"""Training a cluster end to end with tiny settings: outputs, determinism, skipping, progress."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from accelerate import Accelerator
from safetensors.torch import load_file

from distill.trainer import PROMPT_FORMAT_VERSION
from distill.trainer.loop import batches
from distill.trainer.run import Options, train_cluster, write_summary
from distill.trainer.tests.trainer_fixtures import booking_examples, tiny_base_model, write_cluster

ROOT = Path(__file__).resolve().parents[3]
TINY = {"model": {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
                  "num_key_value_heads": 2, "max_position_embeddings": 256},
        "tokenizer": {"vocab_size": 420, "min_frequency": 2}, "eval_every": 3, "batch_size": 4,
        "retrieval_hint": 0}  # the MiniLM index costs seconds per run; test_trainer_prompt_features covers it


def _train(run_dir: Path, cluster: str, **changes) -> dict:
    options = Options(recipe=changes.pop("recipe", "scratch"), max_steps=changes.pop("max_steps", 6),
                      recipe_overrides=changes.pop("overrides", TINY), eval_examples=4, **changes)
    return train_cluster(run_dir, cluster, options, Accelerator(cpu=True), lambda event: None)


def test_output_directory_holds_a_servable_model_and_specialist_json(tmp_path):
    write_cluster(tmp_path, "c001", booking_examples(60))
    entry = _train(tmp_path, "c001")
    out = tmp_path / "specialists" / "c001"
    assert entry["status"] == "trained" and Path(entry["specialist"]) == out
    for name in ("config.json", "model.safetensors", "tokenizer.json", "generation_config.json", "specialist.json"):
        assert (out / name).exists(), name
    info = json.loads((out / "specialist.json").read_text())
    assert info["cluster"] == "c001" and info["prefix_hash"] == "ab" * 32 and info["prompt_format"] == PROMPT_FORMAT_VERSION
    assert info["recipe"] == "scratch" and info["base"] is None
    assert info["tokens_seen"] > 0 and info["wall_seconds"] > 0 and info["val_loss"] is not None
    assert info["slots"]["max_slots"] == 64 and info["exact_match"]["examples"] == 4
    assert info["exact_match"]["copyable"]["examples"] == 4  # every booking value is in its request
    assert info["exact_match"]["in_request"]["examples"] == 4
    config = json.loads((out / "config.json").read_text())
    assert config["architectures"] == ["LlamaForCausalLM"] and config["hidden_size"] == 32
    tokenizer = json.loads((out / "tokenizer.json").read_text())
    added = {t["content"]: t["id"] for t in tokenizer["added_tokens"]}
    assert added["<|pad|>"] == 0 and added["<|bos|>"] == 1 and added["<|end|>"] == 2 and "<S63>" in added
    assert '{"name":"book_table","arguments":' in added


def test_same_seed_gives_the_same_weights(tmp_path):
    write_cluster(tmp_path, "c001", booking_examples(60))
    first = load_file(str(Path(_train(tmp_path, "c001", output=tmp_path / "a")["specialist"]) / "model.safetensors"))
    second = load_file(str(Path(_train(tmp_path, "c001", output=tmp_path / "b")["specialist"]) / "model.safetensors"))
    third = load_file(str(Path(_train(tmp_path, "c001", output=tmp_path / "c", seed=1)["specialist"])
                          / "model.safetensors"))
    assert first.keys() == second.keys()
    assert all((first[k] == second[k]).all() for k in first)
    assert any(not (first[k] == third[k]).all() for k in first)


def test_augmented_recipe_ties_embeddings_and_picks_the_checkpoint_by_validation_answers(tmp_path):
    write_cluster(tmp_path, "c001", booking_examples(60))
    events = []
    overrides = {**TINY, "model": {**TINY["model"], "tie_embeddings": True}, "slot_relabel": 0.5,
                 "history_suffixes": 2, "select_by": "exact"}
    options = Options(recipe="scratch", max_steps=6, recipe_overrides=overrides, eval_examples=4)
    entry = train_cluster(tmp_path, "c001", options, Accelerator(cpu=True), events.append)
    out = Path(entry["specialist"])
    assert json.loads((out / "config.json").read_text())["tie_word_embeddings"] is True
    assert "lm_head.weight" not in load_file(str(out / "model.safetensors"))  # one matrix, read and written
    steps = [e for e in events if e["event"] == "step"]
    assert steps and all(0.0 <= e["val_exact"] <= 1.0 for e in steps)


def test_a_cluster_below_the_minimum_is_skipped_with_the_reason_in_train_json(tmp_path):
    write_cluster(tmp_path, "small", booking_examples(10))
    entry = _train(tmp_path, "small", min_examples=20)
    assert entry["status"] == "skipped" and "fewer than the minimum 20" in entry["reason"]
    assert not (tmp_path / "specialists" / "small").exists()
    summary = json.loads(write_summary(tmp_path, [entry], Options(recipe="scratch")).read_text())
    assert summary["clusters"][0]["cluster"] == "small" and "minimum" in summary["clusters"][0]["reason"]


@pytest.mark.parametrize("recipe", ["lora", "full"])
def test_fine_tuning_a_tiny_local_base_writes_a_merged_model(tmp_path, recipe):
    base = tiny_base_model(tmp_path / "base")
    write_cluster(tmp_path, "c001", booking_examples(40))
    entry = _train(tmp_path, "c001", recipe=recipe, base=str(base), max_steps=3, overrides={"eval_every": 2})
    out = Path(entry["specialist"])
    info = json.loads((out / "specialist.json").read_text())
    assert info["recipe"] == recipe and info["base"] == str(base)
    assert not (out / "adapter_config.json").exists()  # LoRA merged: a plain model directory
    weights = load_file(str(out / "model.safetensors"))
    assert not any("lora" in k for k in weights)
    tokenizer = json.loads((out / "tokenizer.json").read_text())
    assert {"<|answer|>", "<S0>"} <= {t["content"] for t in tokenizer["added_tokens"]}
    config = json.loads((out / "config.json").read_text())
    assert config["vocab_size"] >= len(tokenizer["added_tokens"])


def test_lora_without_a_base_is_a_clear_error(tmp_path):
    write_cluster(tmp_path, "c001", booking_examples(40))
    with pytest.raises(ValueError, match="needs --base"):
        _train(tmp_path, "c001", recipe="lora")


def test_cli_prints_json_progress_and_writes_the_summary(tmp_path):
    write_cluster(tmp_path, "big", booking_examples(40))
    write_cluster(tmp_path, "small", booking_examples(8))
    result = subprocess.run(
        [sys.executable, "-m", "distill.trainer", "--run-dir", str(tmp_path), "--max-steps", "3", "--skip-eval",
         "--min-examples", "20"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    kinds = [e["event"] for e in events]
    assert kinds[0] == "start" and "step" in kinds and kinds[-1] == "summary"
    step = next(e for e in events if e["event"] == "step")
    assert {"step", "loss", "val_loss", "tokens", "elapsed", "cluster"} <= step.keys()
    assert any(e["event"] == "skip" and e["cluster"] == "small" for e in events)
    summary = json.loads((tmp_path / "train.json").read_text())
    assert {c["cluster"]: c["status"] for c in summary["clusters"]} == {"big": "trained", "small": "skipped"}


def test_cli_set_overrides_a_recipe_key_and_rejects_a_value_that_is_not_json(tmp_path):
    write_cluster(tmp_path, "c001", booking_examples(40))
    base = [sys.executable, "-m", "distill.trainer", "--run-dir", str(tmp_path), "--max-steps", "1", "--skip-eval"]
    bad = subprocess.run(base + ["--set", "recent_slots=yes please"], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2 and "--set recent_slots=yes please" in bad.stderr
    good = subprocess.run(base + ["--set", "retrieval_hint=0", "--set", "recent_slots=true", "--set", f"model={json.dumps(TINY['model'])}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert good.returncode == 0, good.stderr[-2000:]
    info = json.loads((tmp_path / "specialists" / "c001" / "specialist.json").read_text())
    assert info["prompt_features"] == ["recent_slots", "cue_values", "shaped_values", "unit_numbers", "named_values",
                                      "distinct_calls", "complete_calls"]
    # the fixture's booking ids are capitals words (BK56125); its `people` the number before "people"
    # specialist.json tells which settings trained the model: every one, and each the command line changed
    recipe = json.loads((ROOT / "distill" / "recipes" / "scratch.json").read_text())
    settings = info["recipe_settings"]
    model = {**recipe["model"], **TINY["model"]}  # an object changes the file's key by key
    assert settings["retrieval_hint"] == 0 and settings["model"] == model and settings["max_steps"] == 1
    assert settings["learning_rate"] == recipe["learning_rate"] and "notes" not in settings
    assert recipe["recent_slots"] is True  # so --set recent_slots=true changed nothing, and is not listed
    assert info["recipe_overrides"] == {
        "max_steps": {"used": 1, "recipe": recipe["max_steps"]},
        "model": {"used": model, "recipe": recipe["model"]},
        "retrieval_hint": {"used": 0, "recipe": recipe["retrieval_hint"]}}


def test_cli_names_a_missing_run(tmp_path):
    result = subprocess.run([sys.executable, "-m", "distill.trainer", "--run-dir", str(tmp_path / "nope")],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "clusters is missing" in result.stderr and "understudy distill" in result.stderr


def test_two_processes_under_torchrun_train_one_specialist(tmp_path):
    base = tiny_base_model(tmp_path / "base")
    write_cluster(tmp_path, "c001", booking_examples(40))
    torchrun = Path(sys.executable).parent / "torchrun"
    scratch = tmp_path / "tmp"  # the run's temporary directory: whatever it leaves there would stay in /tmp
    scratch.mkdir()
    result = subprocess.run(
        # --log-dir: without it torchrun leaves a torchelastic_* directory in the temporary directory.
        [str(torchrun), "--nproc_per_node", "2", "--log-dir", str(tmp_path / "torchrun-logs"), "-m", "distill.trainer",
         "--run-dir", str(tmp_path), "--recipe", "lora", "--base", str(base), "--max-steps", "4", "--threads", "1",
         "--skip-eval"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, "TMPDIR": str(scratch)})
    assert result.returncode == 0, result.stderr[-2000:]
    events = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [e["event"] for e in events].count("done") == 1  # only the main process reports and writes
    assert (tmp_path / "specialists" / "c001" / "model.safetensors").exists()
    assert sorted(p.name for p in scratch.iterdir()) == [], "left in the temporary directory"


def test_requests_with_their_own_tools_are_listed_in_the_prompt_and_named_by_slot(tmp_path):
    # A generic agent: every request brings one tool under a name of its own.
    rows = booking_examples(60)
    for index, row in enumerate(rows):
        name = f"tool_{index}"
        row["target"]["tool_calls"][0]["name"] = name
        row["tools"] = [{"name": name, "parameters": {"type": "object", "properties": {
            "restaurant": {"type": "string"}, "people": {"type": "integer"}}}}]
    write_cluster(tmp_path, "generic", rows)
    entry = _train(tmp_path, "generic")
    out = Path(entry["specialist"])
    info = json.loads((out / "specialist.json").read_text())
    assert info["request_tools"] is True and info["prompt_features"] == ["clause_tools", "call_limit", "unit_exponents",
                                                                           "complete_calls"]
    added = [t["content"] for t in json.loads((out / "tokenizer.json").read_text())["added_tokens"]]
    assert "<|tools|>" in added
    assert not any(t.startswith('{"name":') for t in added)  # no call heads: names are slots
    for line in (out / "predictions.jsonl").read_text().splitlines():
        response = json.loads(line)["response"]
        for call in (response or {}).get("tool_calls", []):
            assert not call["name"].startswith("<S"), "a name slot was not restored"


def test_traffic_weight_repeats_an_example_within_an_epoch_up_to_a_cap():
    class Feature:
        def __init__(self, name, weight):
            self.example = type("Example", (), {"weight": weight})()
            self.name, self.length = name, 10

    import random
    epoch = batches([Feature("a", 1), Feature("b", 3), Feature("c", 50)], 2, random.Random(0))
    names = [f.name for batch in epoch for f in batch]
    assert names.count("a") == 1 and names.count("b") == 3 and names.count("c") == 4


def test_a_nan_setting_is_never_written_into_specialist_json(tmp_path):
    # --set refuses NaN; one that comes another way (Options in a script) must not produce a
    # specialist.json that is not JSON, which the Swift engine would refuse to load.
    write_cluster(tmp_path, "c001", booking_examples(60))
    with pytest.raises(ValueError, match="JSON"):
        _train(tmp_path, "c001", overrides={**TINY, "cpu_seconds_per_token": float("nan")})
    written = tmp_path / "specialists" / "c001" / "specialist.json"
    assert not written.exists() or "NaN" not in written.read_text()
