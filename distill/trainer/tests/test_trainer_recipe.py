"""A run's effective recipe: the file's settings with --set and the flags applied, as recorded in
specialist.json, and read back for specialists written before the record existed."""

import json
from pathlib import Path

from distill.trainer.recipe import effective_recipe, settings_of

RECIPES = Path(__file__).resolve().parents[2] / "recipes"


def test_flags_win_over_set_which_wins_over_the_file_and_each_change_is_named():
    file = json.loads((RECIPES / "scratch.json").read_text())
    effective = effective_recipe("scratch", {"max_steps": 50, "batch_size": 2, "pointer_head": "slots"},
                                 {"max_steps": 7, "max_minutes": None, "threads": None})
    assert effective.settings["max_steps"] == 7 and effective.settings["batch_size"] == 2
    assert effective.settings["max_minutes"] == file["max_minutes"]  # a flag not given changes nothing
    assert effective.overrides == {"batch_size": {"used": 2, "recipe": file["batch_size"]},
                                   "max_steps": {"used": 7, "recipe": file["max_steps"]},
                                   "pointer_head": {"used": "slots"}}  # a key the file lacks: no recipe value
    assert effective.settings["recipe"] == "scratch"
    assert not {"description", "notes"} & effective.settings.keys()  # prose, not settings


def test_a_specialist_reads_its_recorded_settings_and_an_older_one_its_recipe_files():
    file = json.loads((RECIPES / "scratch.json").read_text())
    recorded = {"recipe": "scratch", "recipe_settings": {"max_target_tokens": 99}}
    assert settings_of(recorded) == {"max_target_tokens": 99}
    older = {"recipe": "scratch"}  # written before recipe_settings existed
    assert settings_of(older)["max_target_tokens"] == file["max_target_tokens"]
