"""A run's recipe: the settings of distill/recipes/NAME.json with the command line's changes
applied (`--set KEY=JSON`, then the flags --max-steps, --max-minutes, --min-examples, --threads).

specialist.json records what trained the model: `recipe_settings` holds every setting the run
used and `recipe_overrides` names each one the command line changed, with the recipe file's value
beside the one used, so the record stays exact after the recipe file is edited. Specialists
written before these keys existed read their settings from the recipe file (`settings_of`).
"""

import json
from dataclasses import dataclass
from pathlib import Path

RECIPES = Path(__file__).resolve().parent.parent / "recipes"

# Keys of a recipe file that are prose for its readers, not settings (`recipe`, its name, stays:
# model.py reads it).
PROSE_KEYS = ("description", "notes")
# The trainer's thread count when neither the recipe nor --threads gives one.
DEFAULT_THREADS = 2


def load_recipe(name: str) -> dict:
    path = RECIPES / f"{name}.json"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in RECIPES.glob("*.json")))
        raise ValueError(f"unknown recipe {name!r} (no {path}); recipes: {known}")
    return json.loads(path.read_text())


@dataclass
class EffectiveRecipe:
    settings: dict  # every setting the run used (prose keys left out)
    overrides: dict  # key -> {"used": value, "recipe": the file's value (absent when the file has none)}


def effective_recipe(name: str, set_values: dict | None = None, flags: dict | None = None) -> EffectiveRecipe:
    """The recipe file `name` with `set_values` (--set) applied, then the flags given (None: not given)."""
    file = load_recipe(name)
    changed = {**(set_values or {}), **{k: v for k, v in (flags or {}).items() if v is not None}}
    settings = {k: v for k, v in {**file, **changed}.items() if k not in PROSE_KEYS}
    settings.setdefault("threads", DEFAULT_THREADS)
    overrides = {key: {"used": value, **({"recipe": file[key]} if key in file else {})}
                 for key, value in sorted(changed.items())}
    return EffectiveRecipe(settings, overrides)


def settings_of(specialist: dict) -> dict:
    """The settings that trained a specialist (its specialist.json): those it recorded, or for a
    specialist written before they were recorded, its recipe file's (overrides unknown)."""
    recorded = specialist.get("recipe_settings")
    if recorded is not None:
        return recorded
    return load_recipe(specialist.get("recipe") or "scratch")
