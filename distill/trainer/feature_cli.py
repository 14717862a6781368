"""The command line of the modules that add a prompt feature to a trained specialist without
retraining it (`python -m distill.trainer.tool_choice`, `python -m distill.trainer.sibling_calls`):

    python -m distill.trainer.MODULE --run-dir RUN --cluster ID [--specialist DIR]

prints the feature's choice as JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def read_specialist(specialist_dir: Path) -> dict:
    """The specialist's specialist.json."""
    return json.loads((specialist_dir / "specialist.json").read_text())


def set_listed(spec: dict, feature: str, value) -> None:
    """Lists `feature` in the specialist.json object's `prompt_features` with `value` under its
    name, or, for a `value` of None, drops the feature from both."""
    features = spec.setdefault("prompt_features", [])
    if value is not None:
        spec[feature] = value
        if feature not in features:
            features.append(feature)
    else:
        spec.pop(feature, None)
        if feature in features:
            features.remove(feature)


def write_listed(specialist_dir: Path, spec: dict, feature: str, value) -> None:
    """Writes specialist.json with `feature` listed (`set_listed`)."""
    set_listed(spec, feature, value)
    (specialist_dir / "specialist.json").write_text(json.dumps(spec, indent=1, ensure_ascii=False) + "\n")


def main(feature: str, add_to_specialist) -> None:
    """Parses the command line and prints `add_to_specialist(run_dir, cluster, specialist_dir)`."""
    parser = argparse.ArgumentParser(description=f"add prompt feature {feature} to a trained specialist")
    parser.add_argument("--run-dir", required=True, type=Path)
    parser.add_argument("--cluster", required=True)
    parser.add_argument("--specialist", type=Path, help="default: RUN/specialists/CLUSTER")
    arguments = parser.parse_args()
    print(json.dumps(add_to_specialist(arguments.run_dir, arguments.cluster,
                                       arguments.specialist or arguments.run_dir / "specialists" / arguments.cluster)))
