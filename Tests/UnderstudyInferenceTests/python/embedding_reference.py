"""Writes reference embeddings of varied texts with sentence-transformers, for the Swift
fidelity test: OUT/texts.json, OUT/token_ids.json (the HF tokenizer, truncated like the
model), OUT/vectors.f32 (little-endian float32, count × dimension), OUT/seconds.txt."""
import json
import os
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, os.path.dirname(__file__))
from varied_texts import varied_texts  # noqa: E402


def main():
    model_dir, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(int(os.environ.get("THREADS", "2")))
    texts = varied_texts(count)
    model = SentenceTransformer(model_dir, device="cpu")
    tokenizer = model.tokenizer
    ids = [tokenizer(t, truncation=True, max_length=model.max_seq_length)["input_ids"] for t in texts]
    start = time.perf_counter()
    vectors = model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    seconds = time.perf_counter() - start
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "texts.json"), "w") as f:
        json.dump(texts, f, ensure_ascii=False)
    with open(os.path.join(out, "token_ids.json"), "w") as f:
        json.dump(ids, f)
    np.asarray(vectors, dtype="<f4").tofile(os.path.join(out, "vectors.f32"))
    with open(os.path.join(out, "seconds.txt"), "w") as f:
        f.write(f"{seconds}\n")


if __name__ == "__main__":
    main()
