"""Re-chooses a trained specialist's answer fills and cuts (prompt features `remembered_keys`,
`cue_values`, `shaped_values`, `unit_numbers`, `tag_lists`, `single_calls`, `named_values`, `quoted_pairs`, `named_calls`,
`named_optional`, `copied_items`, `previous_files`, `longest_spans` and `ordinal_items`) from its cluster's training answers,
as training would choose them now, and lists or drops `complete_calls` (a cut answer keeps its
complete calls), which has nothing to choose.

The features change nothing but the restored answer, and all are chosen from the training
answers alone, so a specialist trained before a rule changed (a new feature, another threshold)
gets the current choice without training its model again:

    python -m distill.trainer.refit --run-dir distill/runs/RUN --cluster travel [--features cue_values ...]

Only the features named by `--features` are re-chosen: by default those the specialist's recorded
settings turn on (as training would: specialist.json `recipe_settings`, --set included; a
specialist written before they were recorded reads its recipe file's). Only clusters whose tools
are constant get them (as in training); a feature is listed only when something qualifies, and dropped (with its specialist.json entry) when nothing
does any more, or when `--features` leaves it out.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import (complete_calls, copied_items, cue_values, longest_spans, named_calls, named_optional, named_values, ordinal_items,
               previous_files, quoted_pairs, shaped_values, single_calls, tag_lists, unit_numbers)
from .dataset import load_cluster
from .feature_cli import set_listed
from .remembered_keys import FEATURE as REMEMBERED_KEYS, choose_keys
from .recipe import settings_of

CHOSEN = (REMEMBERED_KEYS, cue_values.FEATURE, tag_lists.FEATURE, single_calls.FEATURE, named_values.FEATURE,
          quoted_pairs.FEATURE, named_calls.FEATURE, named_optional.FEATURE, copied_items.FEATURE,
          previous_files.FEATURE, longest_spans.FEATURE, shaped_values.FEATURE, ordinal_items.FEATURE,
          unit_numbers.FEATURE)
FEATURES = CHOSEN + (complete_calls.FEATURE,)


def recipe_features(spec: dict) -> list[str]:
    """The features of FEATURES the specialist's recipe settings turn on (--set overrides included)."""
    recipe = settings_of(spec)
    return [feature for feature in FEATURES if recipe.get(feature)]


def refit(run_dir: Path, cluster_id: str, specialist_dir: Path, features: list[str] | None = None) -> dict:
    """Writes the current choice of the features of FEATURES into specialist.json, those not in
    `features` (default: the recipe's) dropped; returns the choices."""
    spec_path = specialist_dir / "specialist.json"
    spec = json.loads(spec_path.read_text())
    wanted = set(recipe_features(spec) if features is None else features)
    cluster = load_cluster(run_dir, cluster_id)
    if cluster.request_tools:
        raise ValueError(f"{run_dir}/{cluster_id}: these answer fills are for clusters whose tools are "
                         f"constant; this cluster's requests bring their own")
    train = cluster.splits["train"]
    # the keys remembered_keys fills are left to it only where it is wanted (as training does)
    remembered = choose_keys(train, cluster.tools)
    kept = remembered["keys"] if REMEMBERED_KEYS in wanted else ()
    named = named_values.choose(train, cluster.tools)
    choices = {REMEMBERED_KEYS: (remembered, "keys"),
               cue_values.FEATURE: (cue_values.choose(train, cluster.tools, kept), "arguments"),
               tag_lists.FEATURE: (tag_lists.choose(train, cluster.tools), "arguments"),
               single_calls.FEATURE: (single_calls.choose(train, cluster.tools), "tools"),
               named_values.FEATURE: (named, "arguments"),
               quoted_pairs.FEATURE: (quoted_pairs.choose(train, cluster.tools), "pairs"),
               named_calls.FEATURE: (named_calls.choose(train, cluster.tools), "tools"),
               named_optional.FEATURE: (named_optional.choose(train, cluster.tools), "arguments"),
               copied_items.FEATURE: (copied_items.choose(train, cluster.tools), "arguments"),
               previous_files.FEATURE: (previous_files.choose(train, cluster.tools), "arguments"),
               # the keys named_values lists are left out (as training leaves them)
               longest_spans.FEATURE: (longest_spans.choose(
                   train, cluster.tools, named["arguments"] if named_values.FEATURE in wanted else ()), "arguments"),
               shaped_values.FEATURE: (shaped_values.choose(train, cluster.tools, kept), "arguments"),
               ordinal_items.FEATURE: (ordinal_items.choose(train, cluster.tools, kept), "keys"),
               unit_numbers.FEATURE: (unit_numbers.choose(train, cluster.tools, kept), "keys")}
    features = spec.setdefault("prompt_features", [])
    for feature, (choice, listed) in choices.items():
        set_listed(spec, feature, choice if feature in wanted and choice[listed] else None)
    # complete_calls has no choice and no entry of its own: listed when wanted, else dropped.
    if complete_calls.FEATURE in wanted and complete_calls.FEATURE not in features:
        features.append(complete_calls.FEATURE)
    elif complete_calls.FEATURE not in wanted and complete_calls.FEATURE in features:
        features.remove(complete_calls.FEATURE)
    spec_path.write_text(json.dumps(spec, indent=1, ensure_ascii=False) + "\n")
    chosen = {feature: choice for feature, (choice, _) in choices.items() if feature in wanted}
    return chosen | ({complete_calls.FEATURE: True} if complete_calls.FEATURE in wanted else {})


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="re-choose remembered_keys, cue_values, shaped_values, unit_numbers, tag_lists, single_calls, named_values, quoted_pairs, named_calls, named_optional, copied_items, previous_files, longest_spans and ordinal_items (and list complete_calls) for a trained specialist")
    parser.add_argument("--run-dir", required=True, type=Path)
    parser.add_argument("--cluster", required=True)
    parser.add_argument("--specialist", type=Path, help="default: RUN/specialists/CLUSTER")
    parser.add_argument("--features", nargs="*", choices=FEATURES,
                        help="the features to re-choose; the others are dropped "
                             "(default: those the specialist's recorded settings turn on)")
    arguments = parser.parse_args()
    print(json.dumps(refit(arguments.run_dir, arguments.cluster,
                           arguments.specialist or arguments.run_dir / "specialists" / arguments.cluster,
                           arguments.features)))
