"""Models: a small Llama built from the scratch recipe, or a base causal LM (lora, full)."""

from __future__ import annotations

from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, LlamaConfig, LlamaForCausalLM

from .prompt import BOS, END, PAD


def scratch_model(settings: dict, tokenizer) -> LlamaForCausalLM:
    """A randomly initialised Llama sized by the recipe's "model" block (untied embeddings)."""
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=settings["hidden_size"],
        intermediate_size=settings["intermediate_size"],
        num_hidden_layers=settings["num_hidden_layers"],
        num_attention_heads=settings["num_attention_heads"],
        num_key_value_heads=settings.get("num_key_value_heads", settings["num_attention_heads"]),
        max_position_embeddings=settings["max_position_embeddings"],
        rope_theta=settings.get("rope_theta", 10000.0),
        rms_norm_eps=settings.get("rms_norm_eps", 1e-5),
        hidden_act="silu",
        # Tied: a slot token read in the prompt and written in the answer share one vector, so
        # copying needs no separately learned output row per slot (recipe "tie_embeddings").
        tie_word_embeddings=bool(settings.get("tie_embeddings", False)),
        attention_bias=False,
        mlp_bias=False,
        bos_token_id=tokenizer.convert_tokens_to_ids(BOS),
        eos_token_id=tokenizer.convert_tokens_to_ids(END),
        pad_token_id=tokenizer.convert_tokens_to_ids(PAD),
    )
    model = LlamaForCausalLM(config)
    return model


def base_model(base: str, tokenizer, recipe: dict):
    """The base model from a local directory (or a hub id already in the local cache)."""
    path = Path(base)
    if not path.exists() and "/" not in base:
        raise FileNotFoundError(f"base model {base!r}: no such directory")
    dtype = torch.float32
    model = AutoModelForCausalLM.from_pretrained(base, local_files_only=True, dtype=dtype)
    if model.get_input_embeddings().weight.shape[0] < len(tokenizer):
        model.resize_token_embeddings(len(tokenizer))
    model.config.bos_token_id = tokenizer.convert_tokens_to_ids(BOS)
    model.config.eos_token_id = tokenizer.convert_tokens_to_ids(END)
    model.config.pad_token_id = tokenizer.convert_tokens_to_ids(PAD) if PAD in tokenizer.get_vocab() \
        else tokenizer.pad_token_id
    if recipe["recipe"] == "lora":
        from peft import LoraConfig, get_peft_model

        settings = recipe["lora"]
        config = LoraConfig(
            r=settings["r"], lora_alpha=settings["alpha"], lora_dropout=settings["dropout"],
            target_modules=settings["target_modules"], task_type="CAUSAL_LM",
            # The prompt format's special tokens are new rows: they must be trained too.
            trainable_token_indices=None, modules_to_save=None)
        model = get_peft_model(model, config)
        # New token rows (and the output head) are learned in full alongside the adapters.
        for name, parameter in model.named_parameters():
            if "embed_tokens" in name or "lm_head" in name:
                parameter.requires_grad = True
    return model


def merge_for_serving(model):
    """A plain transformers model: LoRA adapters merged into the base weights."""
    if hasattr(model, "merge_and_unload"):
        return model.merge_and_unload()
    return model
