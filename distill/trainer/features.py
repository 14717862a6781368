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
    tools: list[dict] | None = None  # the tools the prompt lists (v2), for restoring and checking

    @property
    def length(self) -> int:
        return len(self.prompt_ids) + len(self.target_ids)


def truncate_prompt(ids: list[int], max_prompt_tokens: int, head: int = 1) -> list[int]:
    """Keeps the first `head` ids (<|bos|> and the v2 tool list) and the last ones up to
    max_prompt_tokens; a head longer than half the budget is not kept whole (only <|bos|> is)."""
    if len(ids) <= max_prompt_tokens:
        return ids
    if head > max_prompt_tokens // 2:
        head = 1
    return ids[:head] + ids[len(ids) - (max_prompt_tokens - head):]


def build_features(examples: list[Example], tokenizer, max_prompt_tokens: int, max_target_tokens: int,
                   max_slots: int, tools_of=lambda example: None, hint_of=None,
                   recent_slots: bool = False, question_spans: bool = False, tag_slots: bool = False) -> list[Feature]:
    """`tools_of(example)`: the tools its prompt lists (Cluster.tools_of), None for none;
    `hint_of(example)`: its retrieval hint (prompt feature `retrieval_hint`), None for no feature;
    `recent_slots`: prompt feature `recent_slots` (slots numbered by recency); `question_spans`:
    prompt feature `question_spans` (pointers to the user text's units, spans.py); `tag_slots`:
    prompt feature `tag_slots` (`#word`, `@word` as slots, tag_slots.py)."""
    end_id = tokenizer.convert_tokens_to_ids(END)
    features = []
    for example in examples:
        tools = tools_of(example)
        prompt = featured(render_prompt(example.messages, max_slots, tools, question_spans, tag_slots), example,
                          hint_of, recent_slots)
        target_text = render_target(example.target, prompt)
        head = len(encode(tokenizer, prompt.head)) if tools else 1
        prompt_ids = truncate_prompt(encode(tokenizer, prompt.text), max_prompt_tokens, head)
        target_ids = encode(tokenizer, target_text)[:max_target_tokens - 1] + [end_id]
        features.append(Feature(example, prompt_ids, target_ids, prompt.slots, tools))
    return features


def featured(prompt, example: Example, hint_of=None, recent_slots: bool = False):
    """The rendered prompt with its prompt features applied: slots renumbered, then the hint; a
    copy made for one clause (prompt feature clause_calls) gets that clause's prompt."""
    if recent_slots:
        from .slot_order import renumber_by_recency

        prompt = renumber_by_recency(prompt)
    if hint_of is not None:
        from .retrieval import with_hint

        prompt = with_hint(prompt, hint_of(example))
    if example.clause is not None:
        from .clause_calls import clause_prompts
        from .retrieval import query_text

        prompt = clause_prompts(prompt, query_text(example.messages))[example.clause]
    return prompt


def rendered_texts(examples: list[Example], max_slots: int, tools_of=lambda example: None,
                   hint_of=None, recent_slots: bool = False, question_spans: bool = False,
                   tag_slots: bool = False) -> list[str]:
    """Prompt + target text of each example, what a scratch tokenizer is trained on."""
    texts = []
    for example in examples:
        prompt = featured(render_prompt(example.messages, max_slots, tools_of(example), question_spans, tag_slots),
                          example, hint_of, recent_slots)
        texts.append(prompt.text + render_target(example.target, prompt) + END)
    return texts
