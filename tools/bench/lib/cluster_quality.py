#!/usr/bin/env python3
"""Clustering quality of a distillation run against ground-truth labels, next to a BERTopic-style
baseline (UMAP + HDBSCAN) on the same embeddings.

    python tools/bench/lib/cluster_quality.py RUN_DIR LABELS.jsonl EMBEDDINGS.jsonl

Prints NMI and ARI of ours and the baseline, against the agent labels and the task labels.
Calls our clustering left as noise count as one extra "noise" cluster (they stay on the big
model); the same rule applies to the baseline's noise.
"""
import json
import sys
import time

from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score


def load_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def main(run_dir, labels_path, embeddings_path):
    labels = {row["id"]: row for row in load_jsonl(labels_path)}
    ours = {row["id"]: row["cluster"] or "noise" for row in load_jsonl(f"{run_dir}/assignments.jsonl")}
    embedded = load_jsonl(embeddings_path)
    ids = [row["id"] for row in embedded if row["id"] in labels and row["id"] in ours]
    import numpy as np
    vectors = np.array([row["vector"] for row in embedded if row["id"] in labels and row["id"] in ours], dtype=np.float32)

    started = time.time()
    import umap
    from sklearn.cluster import HDBSCAN
    reduced = umap.UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=42).fit_transform(vectors)
    baseline = HDBSCAN(min_cluster_size=5).fit_predict(reduced)
    baseline_seconds = time.time() - started

    rows = []
    for level in ("agent", "task"):
        truth = [labels[i][level] for i in ids]
        mine = [ours[i] for i in ids]
        base = [str(b) for b in baseline]
        rows.append((level, normalized_mutual_info_score(truth, mine), adjusted_rand_score(truth, mine),
                     normalized_mutual_info_score(truth, base), adjusted_rand_score(truth, base)))
    ours_clusters = len({c for c in ours.values() if c != "noise"})
    ours_noise = sum(1 for i in ids if ours[i] == "noise") / max(1, len(ids))
    base_clusters = len(set(baseline) - {-1})
    base_noise = float((baseline == -1).mean())
    print(f"exchanges clustered: {len(ids)}")
    print(f"{'labels':8} {'NMI ours':>9} {'ARI ours':>9} {'NMI BERTopic-style':>19} {'ARI BERTopic-style':>19}")
    for level, nmi, ari, bnmi, bari in rows:
        print(f"{level:8} {nmi:9.3f} {ari:9.3f} {bnmi:19.3f} {bari:19.3f}")
    print(f"clusters: ours {ours_clusters} (noise {ours_noise:.1%}), baseline {base_clusters} (noise {base_noise:.1%}, "
          f"UMAP+HDBSCAN {baseline_seconds:.1f} s)")
    json.dump({"rows": rows, "ours_clusters": ours_clusters, "baseline_clusters": base_clusters},
              open(f"{run_dir}/cluster-quality.json", "w"))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
