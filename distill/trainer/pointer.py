"""Model option `pointer_head` (recipe key `pointer_head: true`, with prompt feature `question_spans`):
the output logit of a pointer token `<Wk>` is a score between the current hidden state and the
hidden state at the prompt position where `<Wk>` stands, not a fixed row of the output head.

Why: with `question_spans` a 1.5 M-parameter model learned the answer's structure but not which
pointer to copy (12-20 of 528 pointer values exact): each `<Wk>` was a vocabulary row learned per
index from a few hundred examples, unrelated to the unit at position k. Here the choice is by
content, as in pointer networks / CopyNet:

    logit(<Wk>) at step t = gate · h_t + bias + (P h_t) · h_pos(k) / sqrt(d) + r(k, last)

h is the decoder's final (normed) hidden state, pos(k) the first position of `<Wk>` in the
sequence (the prompt: the pointer follows its unit, so its state has read the unit), P a learned
d×d matrix, r a learned bias by position in the question: `after[k - last]` (offset clamped to
-16…32) where `last` is the answer's latest pointer (a run continues at +1, the next value tends
to follow the previous one), `start[min(k, 63)]` before the answer's first pointer. A pointer that does not occur before step t gets -inf. The token stream is unchanged,
so constrained decoding and span restoration stay as they are. The weights are saved in
model.safetensors as `pointer_head.proj.weight`, `pointer_head.gate.weight`, `pointer_head.gate.bias`;
config.json's `understudy_pointer_head` names the pointer ids (PROMPT_FORMAT.md, "Prompt features").
"""

from __future__ import annotations

import math
from pathlib import Path

import torch
from torch import nn

OPTION = "pointer_head"
CONFIG_KEY = "understudy_pointer_head"
VERSION = 1
ABSENT = -1e4  # finite: a masked pointer must not turn a loss into inf/NaN
BEHIND, AHEAD, STARTS = 16, 32, 64  # the offset buckets of r(k, last)


class PointerHead(nn.Module):
    """The learned part: P (d×d) and the gate (d → 1, with bias)."""

    def __init__(self, hidden_size: int, first_id: int, count: int):
        super().__init__()
        self.proj = nn.Linear(hidden_size, hidden_size, bias=False)
        self.gate = nn.Linear(hidden_size, 1)
        self.after = nn.Parameter(torch.zeros(BEHIND + AHEAD + 1))
        self.start = nn.Parameter(torch.zeros(STARTS))
        self.first_id, self.count = first_id, count

    def positions(self, input_ids: torch.Tensor) -> torch.Tensor:
        """[B, count]: the first position of each pointer token in each row, -1 where absent."""
        ids = torch.arange(self.first_id, self.first_id + self.count, device=input_ids.device)
        hits = input_ids.unsqueeze(-1) == ids  # [B, T, count]
        index = torch.arange(input_ids.shape[1], device=input_ids.device).view(1, -1, 1)
        first = torch.where(hits, index, input_ids.shape[1]).amin(dim=1)
        return torch.where(first == input_ids.shape[1], -1, first)

    def last_written(self, input_ids: torch.Tensor, answer: torch.Tensor) -> torch.Tensor:
        """[B, T]: the index k of the latest pointer among the answer tokens up to each position, -1 for none."""
        is_pointer = answer & (input_ids >= self.first_id) & (input_ids < self.first_id + self.count)
        index = torch.arange(input_ids.shape[1], device=input_ids.device).expand_as(input_ids)
        latest = torch.where(is_pointer, index, -1).cummax(dim=1).values
        return torch.where(latest >= 0, input_ids.gather(1, latest.clamp(min=0)) - self.first_id, -1)

    def relative(self, last: torch.Tensor) -> torch.Tensor:
        """[B, Tq, count]: r(k, last) for `last` [B, Tq]."""
        k = torch.arange(self.count, device=last.device)
        offset = (k.view(1, 1, -1) - last.unsqueeze(-1)).clamp(-BEHIND, AHEAD) + BEHIND
        return torch.where(last.unsqueeze(-1) >= 0, self.after[offset], self.start[k.clamp(max=STARTS - 1)])

    def scores(self, queries: torch.Tensor, keys: torch.Tensor, positions: torch.Tensor,
               query_positions: torch.Tensor, last: torch.Tensor) -> torch.Tensor:
        """[B, Tq, count] pointer logits. `keys` [B, Tk, d] are the states `positions` index;
        `query_positions` [Tq] the sequence position of each query (a pointer counts from its own
        position on); `last` [B, Tq] the answer's latest pointer at each query (last_written)."""
        selected = keys.gather(1, positions.clamp(min=0).unsqueeze(-1).expand(-1, -1, keys.shape[-1]))
        dot = self.proj(queries) @ selected.transpose(1, 2) / math.sqrt(keys.shape[-1])
        logits = dot + self.gate(queries) + self.relative(last)
        visible = (positions >= 0).unsqueeze(1) & (positions.unsqueeze(1) <= query_positions.view(1, -1, 1))
        return torch.where(visible, logits, torch.full_like(logits, ABSENT))


def head_of(model) -> PointerHead | None:
    model = getattr(model, "module", model)
    return getattr(model, "pointer_head", None)


def attach(model, first_id: int, count: int) -> PointerHead:
    """Adds the head to a scratch LlamaForCausalLM (saved with its state dict) and records it in the config."""
    head = PointerHead(model.config.hidden_size, first_id, count)
    model.pointer_head = head
    setattr(model.config, CONFIG_KEY, {"version": VERSION, "first_id": first_id, "count": count})
    return head


def load(model, directory) -> PointerHead | None:
    """Re-attaches a saved specialist's head (transformers ignores it when loading), None when it has none."""
    option = getattr(model.config, CONFIG_KEY, None)
    if not option:
        return None
    if option.get("version") != VERSION:
        raise ValueError(f"{directory}/config.json: {CONFIG_KEY} version {option.get('version')!r}; this trainer knows {VERSION}")
    from safetensors.torch import load_file

    head = attach(model, option["first_id"], option["count"])
    weights = load_file(str(Path(directory) / "model.safetensors"))
    prefix = "pointer_head."
    head.load_state_dict({k[len(prefix):]: v for k, v in weights.items() if k.startswith(prefix)})
    return head


def full_logits(model, input_ids: torch.Tensor, attention_mask: torch.Tensor | None,
                keep_from: int = 0, answer: torch.Tensor | None = None) -> torch.Tensor:
    """Logits [B, T - keep_from, V] with the pointer columns replaced by the head's scores.
    `answer` [B, T] marks answer tokens: pointers are looked up in the prompt only, as in decoding."""
    inner = getattr(model, "module", model)
    head = inner.pointer_head
    hidden = inner.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    queries = hidden[:, keep_from:]
    logits = inner.lm_head(queries)
    query_positions = torch.arange(keep_from, input_ids.shape[1], device=input_ids.device)
    if answer is None:
        answer = torch.zeros_like(input_ids, dtype=torch.bool)
    last = head.last_written(input_ids, answer)[:, keep_from:]
    pointer = head.scores(queries, hidden, head.positions(torch.where(answer, -1, input_ids)), query_positions, last)
    return torch.cat([logits[..., : head.first_id], pointer.to(logits.dtype),
                      logits[..., head.first_id + head.count :]], dim=-1)


@torch.no_grad()
def greedy(model, prompt_ids: list[int], end_id: int, banned: list[int], max_new_tokens: int) -> list[int]:
    """Greedy decoding with the KV cache: the prompt's final states are kept as the pointer keys."""
    head = model.pointer_head
    device = next(model.parameters()).device
    ids = torch.tensor([prompt_ids], device=device)
    from .evaluate import cached_forward  # evaluate imports this module

    output, cache = cached_forward(model.model, ids)
    keys = output.last_hidden_state
    positions = head.positions(ids)
    ban = torch.tensor(banned, device=device, dtype=torch.long)
    step_state = keys[:, -1:]
    generated: list[int] = []
    for _ in range(max_new_tokens):
        logits = model.lm_head(step_state)[0, -1].float()
        here = torch.tensor([len(prompt_ids) - 1 + len(generated)], device=device)
        last = next((t - head.first_id for t in reversed(generated)
                     if head.first_id <= t < head.first_id + head.count), -1)
        pointer = head.scores(step_state, keys, positions, here, torch.tensor([[last]], device=device))[0, -1].float()
        logits[head.first_id : head.first_id + head.count] = pointer
        logits[ban] = -torch.inf
        token = int(torch.argmax(logits))
        if token == end_id:
            break
        generated.append(token)
        output, cache = cached_forward(model.model, torch.tensor([[token]], device=device), cache)
        step_state = output.last_hidden_state
    return generated

