"""Training-time augmentation: slot relabelling and history suffixes.

Slots are numbered by first appearance, so in a small cluster a value the answer copies sits at
the same few slot numbers in every training example (the first user value is nearly always
<S0>), and the model learns "write <S0>" instead of "copy the slot that says which stock". Late
slots (long conversations) are rarely a target at all, so their output rows stay untrained. With
probability `probability` an example is seen with its slots renumbered: the slots it uses get
fresh numbers drawn from all `max_slots`, the same in prompt and answer, in the same order
(slot numbers still grow with first appearance, as at inference). Every slot token is then a
target often, and a number carries no information but order: only copying works.
"""

from __future__ import annotations

import dataclasses
import random

from .dataset import Example
from .features import Feature
from .population import answer_leaves
from .prompt import render_prompt


class SlotRelabeller:
    def __init__(self, slot_ids: list[int], probability: float, seed: int):
        self.slot_ids = slot_ids  # token id of <S0>, <S1>, …
        self.index = {token: number for number, token in enumerate(slot_ids)}
        self.probability = probability
        self.rng = random.Random(seed)

    def __call__(self, feature: Feature) -> Feature:
        if self.probability <= 0 or self.rng.random() >= self.probability:
            return feature
        used = sorted({self.index[t] for t in feature.prompt_ids + feature.target_ids if t in self.index})
        if not used:
            return feature
        fresh = sorted(self.rng.sample(range(len(self.slot_ids)), len(used)))
        mapping = {self.slot_ids[old]: self.slot_ids[new] for old, new in zip(used, fresh)}
        return dataclasses.replace(feature, prompt_ids=[mapping.get(t, t) for t in feature.prompt_ids],
                                   target_ids=[mapping.get(t, t) for t in feature.target_ids])


def history_suffixes(example: Example, tools: list[dict] | None, max_slots: int, count: int) -> list[Example]:
    """Up to `count` shorter copies of a multi-turn example: the conversation from a later user
    message on (the latest cuts first), with the same answer. A request in production carries its
    whole history, but which earlier turns it holds is incidental to the answer; cutting them
    shows the model the same decision with other lengths and slot numberings. A cut that drops a
    value the answer copies (an id from an earlier tool result) is not used: the answer would
    teach the model to invent it."""
    if count <= 0:
        return []
    full = render_prompt(example.messages, max_slots, tools).slots
    copied = [leaf for leaf in answer_leaves(example.target) if full.find(leaf) is not None]
    starts = [i for i, m in enumerate(example.messages) if i > 0 and m.get("role") == "user"]
    out = []
    for start in reversed(starts):
        messages = example.messages[start:]
        slots = render_prompt(messages, max_slots, tools).slots
        if all(slots.find(leaf) is not None for leaf in copied):
            out.append(dataclasses.replace(example, id=f"{example.id}~{start}", messages=messages))
        if len(out) >= count:
            break
    return out


def tool_orders(example: Example, tools: list[dict] | None, count: int, seed: int) -> list[Example]:
    """Up to `count` copies of an example whose request lists its own tools (prompt format v2+),
    each listing them in another order. Slots are numbered by appearance, so in the original order
    the called tool is often just "the first slot"; a shuffled list moves the tool, its parameter
    slots and the question's value slots, and only reading the names finds the right ones again.
    The answer is unchanged (it names tools by slot, re-rendered with the new numbering)."""
    if count <= 0 or not tools or len(tools) < 2:
        return []
    rng = random.Random(f"{seed}:{example.id}")
    seen = {tuple(t.get("name") for t in tools)}
    out = []
    for attempt in range(count * 3):
        order = list(tools)
        rng.shuffle(order)
        names = tuple(t.get("name") for t in order)
        if names in seen:
            continue
        seen.add(names)
        out.append(dataclasses.replace(example, id=f"{example.id}~tools{len(out)}", tools=order))
        if len(out) >= count:
            break
    return out
