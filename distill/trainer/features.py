"""Examples → token ids: prompt ids (left-truncated), target ids ending in <|end|>, slot table."""

from __future__ import annotations

from dataclasses import dataclass

from .dataset import Example
from .prompt import END, render_prompt, render_target
from .slots import SlotTable
from .tokenizer import encode


@dataclass
class Feature:
    example: Example
    prompt_ids: list[int]
    target_ids: list[int]
    slots: SlotTable

    @property
    def length(self) -> int:
        return len(self.prompt_ids) + len(self.target_ids)


def truncate_prompt(ids: list[int], max_prompt_tokens: int) -> list[int]:
    """Keeps the first id (<|bos|>) and the last max_prompt_tokens - 1 ids."""
    if len(ids) <= max_prompt_tokens:
        return ids
    return ids[:1] + ids[len(ids) - (max_prompt_tokens - 1):]


def build_features(examples: list[Example], tokenizer, max_prompt_tokens: int, max_target_tokens: int,
                   max_slots: int) -> list[Feature]:
    end_id = tokenizer.convert_tokens_to_ids(END)
    features = []
    for example in examples:
        prompt = render_prompt(example.messages, max_slots)
        target_text = render_target(example.target, prompt.slots)
        prompt_ids = truncate_prompt(encode(tokenizer, prompt.text), max_prompt_tokens)
        target_ids = encode(tokenizer, target_text)[:max_target_tokens - 1] + [end_id]
        features.append(Feature(example, prompt_ids, target_ids, prompt.slots))
    return features


def rendered_texts(examples: list[Example], max_slots: int) -> list[str]:
    """Prompt + target text of each example, what a scratch tokenizer is trained on."""
    texts = []
    for example in examples:
        prompt = render_prompt(example.messages, max_slots)
        texts.append(prompt.text + render_target(example.target, prompt.slots) + END)
    return texts
