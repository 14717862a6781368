"""python -m distill.trainer: train specialists for the clusters of a distillation run.

Progress goes to stdout as one JSON object per line ("event": start | step | eval | done | skip |
error | summary); human-readable notes go to stderr. Exit 0 when every cluster was trained or
skipped with a reason, 1 on a failure (the message names the file or the fix), 2 on bad usage.

Examples:
    python -m distill.trainer --run-dir distill/runs/r1 --recipe scratch
    python -m distill.trainer --run-dir distill/runs/r1 --cluster c003 --recipe scratch --max-minutes 3
    accelerate launch -m distill.trainer --run-dir distill/runs/r1 --recipe lora --base /models/Qwen2.5-0.5B
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path


def _emit(event: dict) -> None:
    sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m distill.trainer", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run-dir", type=Path, required=True, help="distill/runs/RUN")
    parser.add_argument("--cluster", action="append", help="cluster id (repeatable; default: every cluster)")
    parser.add_argument("--recipe", default="scratch", help="scratch | lora | full (distill/recipes/NAME.json)")
    parser.add_argument("--base", help="base causal LM for lora/full: a local directory or a cached hub id")
    parser.add_argument("--max-minutes", type=float, help="training time cap per cluster (default: the recipe's)")
    parser.add_argument("--max-steps", type=int, help="step cap per cluster (default: the recipe's)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--min-examples", type=int, help="skip clusters with fewer training examples")
    parser.add_argument("--threads", type=int, help="CPU threads (default: the recipe's, 2)")
    parser.add_argument("--eval-examples", type=int, default=200, help="held-out examples to evaluate")
    parser.add_argument("--skip-eval", action="store_true", help="do not evaluate on the test split")
    parser.add_argument("--output", type=Path, help="specialists root (default: RUN/specialists); writes OUTPUT/ID")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=JSON",
                        help="override a recipe key for this run, e.g. --set retrieval_hint=0 (repeatable)")
    args = parser.parse_args(argv)
    from .recipe import effective_recipe, parse_set  # no third-party imports: --help and bad usage stay fast

    try:
        # Checked before the slow imports; the error event is what `understudy train` shows its user.
        overrides = parse_set(args.set)
        settings = effective_recipe(args.recipe, overrides).settings
    except ValueError as error:
        _emit({"event": "error", "message": str(error)})
        print(f"error: {error}", file=sys.stderr)
        return 2

    # Imported late so that --help works, and missing packages get one clear message.
    try:
        from accelerate import Accelerator

        from .dataset import DatasetError, cluster_ids
        from .run import Options, train_cluster, write_summary
    except ImportError as error:
        _emit({"event": "error", "message": f"missing Python package: {error.name}; run tools/setup"})
        print(f"error: missing Python package {error.name!r}: run tools/setup", file=sys.stderr)
        return 1

    options = Options(recipe=args.recipe, base=args.base, max_minutes=args.max_minutes, max_steps=args.max_steps,
                      seed=args.seed, min_examples=args.min_examples, output=args.output, threads=args.threads,
                      eval_examples=args.eval_examples, skip_eval=args.skip_eval, recipe_overrides=overrides or None)
    import torch

    # bf16 autocast on GPUs as the recipe (and --set) asks; CPUs train in float32.
    precision = settings.get("mixed_precision", "no") if torch.cuda.is_available() else "no"
    accelerator = Accelerator(mixed_precision=precision, cpu=not torch.cuda.is_available())
    emit = _emit if accelerator.is_main_process else (lambda event: None)
    try:
        ids = args.cluster or cluster_ids(args.run_dir)
        entries = []
        for cluster_id in ids:
            entry = train_cluster(args.run_dir, cluster_id, options, accelerator, emit)
            entries.append(entry)
            emit({"event": "skip" if entry["status"] == "skipped" else "done", **entry})
        if accelerator.is_main_process:
            path = write_summary(args.run_dir, entries, options)
            emit({"event": "summary", "path": str(path), "trained": sum(e["status"] == "trained" for e in entries),
                  "skipped": sum(e["status"] == "skipped" for e in entries)})
        return 0
    except (DatasetError, ValueError, FileNotFoundError, OSError) as error:
        emit({"event": "error", "message": str(error)})
        print(f"error: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # noqa: BLE001 — an unexpected failure still gets one clear line
        traceback.print_exc()
        emit({"event": "error", "message": f"{type(error).__name__}: {error}"})
        return 1


if __name__ == "__main__":
    sys.exit(main())
