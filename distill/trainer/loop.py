"""The training loop shared by every recipe: masked next-token loss on the answer only,
length-grouped batches, warmup + cosine LR, early stopping on validation loss, a time cap.

Runs on one CPU, one GPU, or several GPUs under `accelerate launch` / `torchrun` (accelerate's
Accelerator does the placement and gradient sync). Deterministic on CPU for a given seed, recipe and
data, whatever the machine's speed, as long as the time cap does not end training first (then
`stopped_by` is "time"): when the recipe gives `cpu_seconds_per_token`, the cosine schedule is
fitted to the cap by that cost model and the first 20 batches' token count (both fixed by the seed),
never by measured seconds. A recipe without it (the GPU recipes, whose cost per token depends on the
card) runs the schedule over `max_steps`: a fixed step count, so the same seed trains the same
weights on a fast or a busy machine too; the cap still ends training that runs out of time.
"""

from __future__ import annotations

import copy
import math
import random
import time
from dataclasses import dataclass
from typing import Callable

import torch

from .augment import SlotRelabeller
from .features import Feature
from .pointer import ABSENT, full_logits, head_of


@dataclass
class TrainResult:
    steps: int
    train_loss: float
    val_loss: float | None
    best_step: int
    tokens_seen: int
    stopped_by: str  # "early_stopping" | "max_steps" | "time"
    schedule_steps: int  # the cosine schedule's length (max_steps, or fitted to the cap by the cost model)


def collate(batch: list[Feature], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-padded ids; labels are the answer tokens only. Left padding would save a little more
    but leaves fully masked attention rows, which turn into NaN under bf16 SDPA on GPUs."""
    width = max(f.length for f in batch)
    input_ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    labels = torch.full((len(batch), width), -100, dtype=torch.long)
    attention = torch.zeros((len(batch), width), dtype=torch.long)
    for row, feature in enumerate(batch):
        ids = feature.prompt_ids + feature.target_ids
        input_ids[row, : len(ids)] = torch.tensor(ids)
        attention[row, : len(ids)] = 1
        labels[row, len(feature.prompt_ids) : len(ids)] = torch.tensor(feature.target_ids)
    first = min(len(f.prompt_ids) for f in batch) - 1  # first column whose logits predict an answer token
    return {"input_ids": input_ids, "attention_mask": attention, "labels": labels,
            "first": torch.tensor(first)}


def prompt_answer_loss(model, batch: dict[str, torch.Tensor],
                       prompt_weight: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Answer loss plus `prompt_weight` × next-token loss on the prompt (language practice); also
    returns the answer loss alone, the figure reported as train_loss."""
    if head_of(model) is None:
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    else:
        logits = full_logits(model, batch["input_ids"], batch["attention_mask"], answer=batch["labels"] != -100)
    logits = logits[:, :-1].float()
    targets = batch["input_ids"][:, 1:]
    answer = batch["labels"][:, 1:]
    # A pointer the sequence does not (yet) have cannot be predicted (pointer.py): not scored.
    real = batch["attention_mask"][:, 1:].bool() & reachable(logits, targets)
    per_token = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                                                  reduction="none").view_as(targets)
    is_answer = (answer != -100) & real
    is_prompt = real & ~is_answer
    answer_loss_value = (per_token * is_answer).sum() / is_answer.sum().clamp(min=1)
    prompt_loss_value = (per_token * is_prompt).sum() / is_prompt.sum().clamp(min=1)
    return answer_loss_value + prompt_weight * prompt_loss_value, answer_loss_value


def answer_loss(model, batch: dict[str, torch.Tensor], reduction: str = "mean") -> tuple[torch.Tensor, int]:
    """Cross-entropy of the answer tokens; logits only from the first answer-predicting column on
    (the output head is most of a tiny model's cost)."""
    first = int(batch["first"])
    width = batch["input_ids"].shape[1]
    if head_of(model) is None:
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                       logits_to_keep=width - first).logits[:, :-1].float()
    else:
        logits = full_logits(model, batch["input_ids"], batch["attention_mask"], first,
                             batch["labels"] != -100)[:, :-1].float()
    labels = batch["labels"][:, first + 1 :]
    labels = torch.where(reachable(logits, labels.clamp(min=0)), labels, -100)
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1),
                                             ignore_index=-100, reduction=reduction)
    return loss, int((labels != -100).sum().item())


def reachable(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Whether each target token has a real logit (not a pointer the prompt lacks, e.g. cut off
    by the prompt cap: pointer.ABSENT)."""
    return logits.gather(-1, targets.unsqueeze(-1)).squeeze(-1) > ABSENT / 2


MAX_REPEATS = 4


def batches(features: list[Feature], batch_size: int, rng: random.Random) -> list[list[Feature]]:
    """One epoch: each example as often as its traffic weight says (at most MAX_REPEATS times, so
    a hot request cannot crowd out the rest), shuffled, grouped by length within windows of 8
    batches to limit padding."""
    order = [f for f in features for _ in range(max(1, min(f.example.weight, MAX_REPEATS)))]
    rng.shuffle(order)
    window = batch_size * 8
    out = []
    for start in range(0, len(order), window):
        chunk = sorted(order[start : start + window], key=lambda f: f.length)
        out += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(out)
    return out


def _lr_factor(step: int, warmup: int, total: int) -> float:
    if step < warmup:
        return (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress))


@torch.no_grad()
def validation_loss(model, features: list[Feature], pad_id: int, device, batch_size: int) -> float:
    model.eval()
    total, count = 0.0, 0
    for start in range(0, len(features), batch_size):
        batch = {k: v.to(device) for k, v in collate(features[start : start + batch_size], pad_id).items()}
        loss, count_here = answer_loss(model, batch, reduction="sum")
        total += loss.item()
        count += count_here
    model.train()
    return total / max(count, 1)


def _agree(accelerator, value: float, op: str) -> float:
    """The same number on every process (mean or max), so all take the same stop decisions."""
    if accelerator.num_processes == 1:
        return value
    tensor = torch.tensor([value], dtype=torch.float64, device=accelerator.device)
    if op == "max":
        return float(accelerator.gather(tensor).max().item())
    return float(accelerator.reduce(tensor, reduction="mean").item())


def train(model, train_features: list[Feature], val_features: list[Feature], recipe: dict, seed: int,
          pad_id: int, max_minutes: float, accelerator, progress: Callable[[dict], None],
          slot_ids: list[int] | None = None, val_score: Callable[[object], float] | None = None) -> TrainResult:
    """`slot_ids`: the token ids of <S0>, <S1>, … (for the recipe's `slot_relabel` augmentation).
    `val_score(model)`: validation exact match; when given (one process), checkpoints are chosen by
    it first and by validation loss among equal scores."""
    rng = random.Random(seed)
    relabel = SlotRelabeller(slot_ids or [], recipe.get("slot_relabel", 0.0) if slot_ids else 0.0, seed + 1)
    parameters = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(parameters, lr=recipe["learning_rate"], weight_decay=recipe["weight_decay"],
                                  betas=(0.9, 0.98))
    model, optimizer = accelerator.prepare(model, optimizer)
    device = accelerator.device
    val_subset = val_features[: recipe["val_examples"]]
    total_steps = recipe["max_steps"]
    warmup = recipe["warmup_steps"]
    eval_every = recipe["eval_every"]
    patience = recipe["patience"]
    budget = max_minutes * 60.0
    # The cap counts this process's CPU time when the recipe says so ("budget_clock": "cpu"): on a
    # machine shared with other work, wall time would measure the neighbours, not the training cost
    # (on an idle machine with one thread the two agree).
    clock = time.process_time if recipe.get("budget_clock") == "cpu" else time.monotonic
    started = clock()
    best_val, best_state, best_step, bad_evals = math.inf, None, 0, 0
    best_score, lowest_val = -math.inf, math.inf
    scorer = val_score if accelerator.num_processes == 1 else None
    step, tokens, running = 0, 0, None
    stopped_by = "max_steps"
    schedule_steps = total_steps
    world = accelerator.num_processes
    model.train()
    while step < total_steps:
        for batch_features in batches(train_features, recipe["batch_size"], rng):
            if step >= total_steps:
                break
            # Under several processes each takes its share of the batch (the same rng everywhere).
            batch_features = batch_features[accelerator.process_index :: world] or batch_features[:1]
            for group in optimizer.param_groups:
                group["lr"] = recipe["learning_rate"] * _lr_factor(step, warmup, total_steps)
            batch = {k: v.to(device) for k, v in collate([relabel(f) for f in batch_features], pad_id).items()}
            with accelerator.autocast():
                if recipe.get("prompt_loss_weight", 0) > 0:
                    loss, reported = prompt_answer_loss(model, batch, recipe["prompt_loss_weight"])
                else:
                    loss, _ = answer_loss(model, batch)
                    reported = loss
            accelerator.backward(loss)
            accelerator.clip_grad_norm_(parameters, 1.0)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            tokens += int(batch["attention_mask"].sum().item()) * world
            value = reported.item()
            running = value if running is None else 0.9 * running + 0.1 * value
            elapsed = clock() - started
            if step == 20 and recipe.get("cpu_seconds_per_token"):
                # The cap would cut the cosine schedule short: fit the schedule to the time we have.
                total_steps = min(total_steps, _fitted_steps(recipe, budget, tokens / world))
                schedule_steps = total_steps
            out_of_time = _agree(accelerator, float(elapsed >= budget), "max") > 0
            if step % eval_every == 0 or step >= total_steps or out_of_time:
                val = validation_loss(model, val_subset, pad_id, device, recipe["batch_size"]) if val_subset \
                    else running
                val = _agree(accelerator, val, "mean")
                score = 0.0
                if scorer is not None:
                    # Validation loss keeps falling after answers stop improving, and rises
                    # (overconfidence) while they still improve: pick what replay measures.
                    score = scorer(accelerator.unwrap_model(model))
                    model.train()
                # Patience runs out only when neither the loss nor the score improves: a small
                # validation set's exact match plateaus early while the answers still get better.
                bad_evals = 0 if val < lowest_val - 1e-4 or score > best_score else bad_evals + 1
                lowest_val = min(lowest_val, val)
                if score > best_score or (score == best_score and val < best_val - 1e-4):
                    best_val, best_score, best_step = val, score, step
                    best_state = copy.deepcopy(accelerator.unwrap_model(model).state_dict())
                progress({"event": "step", "step": step, "loss": round(running, 5), "val_loss": round(val, 5),
                          **({"val_exact": round(score, 4)} if scorer is not None else {}),
                          "tokens": tokens, "elapsed": round(clock() - started, 2),
                          "lr": optimizer.param_groups[0]["lr"]})
                if bad_evals >= patience:
                    stopped_by = "early_stopping"
                    total_steps = step
                    break
            if out_of_time:
                stopped_by = "time"
                total_steps = step
                break
    if best_state is not None:
        accelerator.unwrap_model(model).load_state_dict(best_state)
    return TrainResult(step, running if running is not None else math.nan,
                       None if best_val == math.inf else best_val, best_step, tokens, stopped_by, schedule_steps)


def _fitted_steps(recipe: dict, budget: float, tokens: float) -> int:
    """How many steps fit the cap, judged after the first 20 (`tokens`: this process's tokens so far)
    by the cost model `cpu_seconds_per_token` of the seed's own batches, so a slower or busier machine
    trains on the same schedule (the cap stays a hard stop). Measured seconds are never used: they
    would make the schedule, and the weights, follow the machine's load."""
    per_step = recipe["cpu_seconds_per_token"] * tokens / 20
    return max(21, int(budget / per_step)) if per_step > 0 else recipe["max_steps"]
