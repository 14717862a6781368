"""A run's recipe: the settings of distill/recipes/NAME.json with the command line's changes
applied (`--set KEY=JSON`, then the flags --max-steps, --max-minutes, --min-examples, --threads).

specialist.json records what trained the model: `recipe_settings` holds every setting the run
used and `recipe_overrides` names each one the command line changed, with the recipe file's value
beside the one used, so the record stays exact after the recipe file is edited. Specialists
written before these keys existed read their settings from the recipe file (`settings_of`).
"""

import difflib
import json
import math
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


def known_settings() -> set[str]:
    """Every setting some recipe file gives: the keys the trainer reads (a test keeps them listed)."""
    return {key for path in RECIPES.glob("*.json") for key in json.loads(path.read_text())} - set(PROSE_KEYS)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    # 1e999 parses to inf without passing through parse_constant.
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is not a finite number")
    return value


def parse_set(items: list[str]) -> dict:
    """`--set KEY=JSON` items as {key: value}; a ValueError names the item that is not KEY=JSON
    (`understudy train` checks the same before it starts the trainer, with the same message).
    NaN and Infinity, which Python's json would take, are refused: specialist.json records the
    value and JSON (and Swift's reader) has no such numbers. null is refused: no setting is null."""
    values = {}
    for item in items:
        key, equals, text = item.partition("=")
        try:
            if not key or not equals:
                raise ValueError("no KEY=")
            values[key] = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
            if values[key] is None:
                raise ValueError("null: leave the --set out to use the recipe's value")
        except ValueError as error:
            raise ValueError(f"--set {item}: expected KEY=JSON, the value JSON: a number, true, false, a quoted "
                             f"string, an object ({error})") from None
    return values


def known_nested_settings() -> dict[str, set[str]]:
    """The keys of each object setting (`model`, `tokenizer`, `lora`) over every recipe file."""
    nested: dict[str, set[str]] = {}
    for path in RECIPES.glob("*.json"):
        for key, value in json.loads(path.read_text()).items():
            if isinstance(value, dict):
                nested.setdefault(key, set()).update(value)
    return nested


def _refuse_unknown(name: str, key: str, known: set[str]) -> None:
    close = difflib.get_close_matches(key, sorted(known), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; settings: " + ", ".join(sorted(known))
    raise ValueError(f"--set {name}: no recipe has a setting {name!r}{hint}")


def _check_known(set_values: dict) -> None:
    known, nested = known_settings(), known_nested_settings()
    for key, value in set_values.items():
        if key not in known:
            _refuse_unknown(key, key, known)
        # An object is merged into the recipe's object key by key: a misspelt inner key would be
        # recorded in specialist.json and read by nobody.
        if isinstance(value, dict) and key in nested:
            for inner in value:
                if inner not in nested[key]:
                    _refuse_unknown(f"{key}.{inner}", inner, nested[key])


@dataclass
class EffectiveRecipe:
    settings: dict  # every setting the run used (prose keys left out)
    overrides: dict  # key -> {"used": value, "recipe": the file's value (absent when the file has none)}


def effective_recipe(name: str, set_values: dict | None = None, flags: dict | None = None) -> EffectiveRecipe:
    """The recipe file `name` with `set_values` (--set) applied, then the flags given (None: not given)."""
    file = load_recipe(name)
    _check_known(set_values or {})
    changed = {**(set_values or {}), **{k: v for k, v in (flags or {}).items() if v is not None}}
    # An object changes the file's object key by key (--set tokenizer='{"vocab_size":500}' keeps
    # min_frequency), one level deep as the recipes nest.
    changed = {k: {**file[k], **v} if isinstance(v, dict) and isinstance(file.get(k), dict) else v
               for k, v in changed.items()}
    settings = {k: v for k, v in {**file, **changed}.items() if k not in PROSE_KEYS}
    settings.setdefault("threads", DEFAULT_THREADS)
    # Only what differs from the file: a flag or --set that repeats the file's value changed nothing.
    overrides = {key: {"used": value, **({"recipe": file[key]} if key in file else {})}
                 for key, value in sorted(changed.items()) if key not in file or file[key] != value}
    # Whatever came in (--set, flags, a script's Options): specialist.json must be able to hold it.
    bad = sorted(k for k, v in changed.items() if not _finite_json(v))
    if bad:
        raise ValueError(f"recipe settings {', '.join(bad)}: not finite JSON numbers")
    return EffectiveRecipe(settings, overrides)


def _finite_json(value) -> bool:
    try:
        json.dumps(value, allow_nan=False)
        return True
    except ValueError:
        return False


def settings_of(specialist: dict) -> dict:
    """The settings that trained a specialist (its specialist.json): those it recorded, or for a
    specialist written before they were recorded, its recipe file's as a run without changes would
    use them (overrides unknown)."""
    recorded = specialist.get("recipe_settings")
    if recorded is not None:
        return recorded
    return effective_recipe(specialist.get("recipe") or "scratch").settings
