"""Tokenizers: a byte-level BPE trained on a cluster (scratch), or a base model's tokenizer with
the prompt format's special tokens added (lora, full). Both encode the same way: special tokens
are split out first, the text between them goes through the byte-level BPE, nothing is added."""

from __future__ import annotations

import re
from pathlib import Path

from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import AutoTokenizer, PreTrainedTokenizerFast

from .prompt import BOS, END, PAD, added_tokens, special_tokens


def _split_specials(text: str, specials: list[str]) -> list[str]:
    pattern = "|".join(re.escape(s) for s in sorted(specials, key=len, reverse=True))
    return [piece for piece in re.split(pattern, text) if piece]


def _add_call_tokens(tokenizer: Tokenizer, tool_names: list[str]) -> None:
    tokenizer.add_tokens([AddedToken(t, normalized=False, special=False, single_word=False, lstrip=False,
                                     rstrip=False) for t in added_tokens(tool_names)])


def train_tokenizer(texts: list[str], vocab_size: int, min_frequency: int, max_slots: int,
                    tool_names: list[str], feature_tokens: list[str] = ()) -> PreTrainedTokenizerFast:
    """A byte-level BPE (GPT-2 pre-tokenisation, no prefix space) whose ids 0… are the special
    tokens (then `feature_tokens`, the prompt features' own, e.g. `<|hint|>`), followed by the BPE
    vocabulary, then the added call-head tokens."""
    specials = special_tokens(max_slots) + list(feature_tokens)
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, min_frequency=min_frequency, special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    # Train on the text between special tokens, so no merges are spent on "<|user|>" pieces.
    pieces = [piece for text in texts for piece in _split_specials(text, specials + added_tokens(tool_names))]
    tokenizer.train_from_iterator(pieces, trainer)
    _add_call_tokens(tokenizer, tool_names)
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, bos_token=BOS, eos_token=END, pad_token=PAD)


def base_tokenizer(base: str, max_slots: int, tool_names: list[str],
                   feature_tokens: list[str] = ()) -> PreTrainedTokenizerFast:
    """The base model's fast tokenizer plus the prompt format's special tokens (local files only)."""
    tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True, use_fast=True)
    if not isinstance(tokenizer, PreTrainedTokenizerFast):
        raise ValueError(f"{base}: needs a fast tokenizer (tokenizer.json); found {type(tokenizer).__name__}")
    tokenizer.add_special_tokens({"additional_special_tokens": special_tokens(max_slots)[1:] + list(feature_tokens)})
    tokenizer.pad_token = PAD if PAD in tokenizer.get_vocab() else tokenizer.pad_token
    if tokenizer.pad_token is None:
        tokenizer.add_special_tokens({"pad_token": PAD})
    tokenizer.bos_token, tokenizer.eos_token = BOS, END
    tokenizer.add_tokens([AddedToken(t, normalized=False, special=False) for t in added_tokens(tool_names)])
    return tokenizer


def encode(tokenizer: PreTrainedTokenizerFast, text: str) -> list[int]:
    """Token ids of rendered text: no BOS/EOS added (the prompt text carries its own <|bos|>)."""
    return tokenizer.backend_tokenizer.encode(text, add_special_tokens=False).ids


def save_tokenizer(tokenizer: PreTrainedTokenizerFast, directory: Path) -> None:
    tokenizer.save_pretrained(str(directory))
