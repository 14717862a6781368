#!/usr/bin/env bash
# GPU smoke test for the lora and full recipes (run on a machine with CUDA, from the repo root):
# builds a tiny local base model and a synthetic cluster, then trains through the CLI and torchrun.
# GPU_SMOKE_DIR keeps the run (models, specialist.json) in that folder instead of a temporary one.
set -euo pipefail
py=${PYTHON:-.venv/bin/python}
work=${GPU_SMOKE_DIR:-$(mktemp -d)}
mkdir -p "$work"
$py - "$work" <<'PY'
import sys
from pathlib import Path
sys.path.insert(0, ".")
from distill.trainer.tests.trainer_fixtures import booking_examples, tiny_base_model, write_cluster
work = Path(sys.argv[1])
write_cluster(work, "c001", booking_examples(200))
tiny_base_model(work / "base")
PY
$py -c "import torch; print('cuda', torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else '')"
$py -m distill.trainer --run-dir "$work" --recipe lora --base "$work/base" --max-steps 40 | tail -2
$py -m torch.distributed.run --nproc_per_node 1 -m distill.trainer --run-dir "$work" --recipe full \
    --base "$work/base" --max-steps 40 --output "$work/full" | tail -2
$py -m distill.trainer --run-dir "$work" --recipe scratch --max-steps 300 --output "$work/scratch" | tail -2
ls "$work/specialists/c001" "$work/full/c001" "$work/scratch/c001"
