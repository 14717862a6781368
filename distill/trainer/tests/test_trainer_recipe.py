"""A run's effective recipe: the file's settings with --set and the flags applied, as recorded in
specialist.json, and read back for specialists written before the record existed."""

import ast
import importlib
import json
import re
from pathlib import Path

import pytest

from distill.trainer.__main__ import main as trainer_cli
from distill.trainer.recipe import effective_recipe, parse_set, settings_of

RECIPES = Path(__file__).resolve().parents[2] / "recipes"


def test_flags_win_over_set_which_wins_over_the_file_and_each_change_is_named():
    file = json.loads((RECIPES / "scratch.json").read_text())
    effective = effective_recipe("scratch", {"max_steps": 50, "batch_size": 2, "mixed_precision": "bf16"},
                                 {"max_steps": 7, "max_minutes": None, "threads": None})
    assert effective.settings["max_steps"] == 7 and effective.settings["batch_size"] == 2
    assert effective.settings["max_minutes"] == file["max_minutes"]  # a flag not given changes nothing
    assert effective.overrides == {"batch_size": {"used": 2, "recipe": file["batch_size"]},
                                   "max_steps": {"used": 7, "recipe": file["max_steps"]},
                                   "mixed_precision": {"used": "bf16"}}  # a key scratch.json lacks: no recipe value
    assert effective.settings["recipe"] == "scratch"
    assert not {"description", "notes"} & effective.settings.keys()  # prose, not settings


def test_a_specialist_reads_its_recorded_settings_and_an_older_one_its_recipe_files():
    file = json.loads((RECIPES / "scratch.json").read_text())
    recorded = {"recipe": "scratch", "recipe_settings": {"max_target_tokens": 99}}
    assert settings_of(recorded) == {"max_target_tokens": 99}
    older = {"recipe": "scratch"}  # written before recipe_settings existed
    assert settings_of(older)["max_target_tokens"] == file["max_target_tokens"]
    assert settings_of(older) == effective_recipe("scratch").settings  # no prose; threads as a run uses
    assert "notes" not in settings_of({"recipe": "lora"}) and settings_of({"recipe": "lora"})["threads"]


def test_an_object_changes_the_files_object_key_by_key():
    file = json.loads((RECIPES / "scratch.json").read_text())
    effective = effective_recipe("scratch", {"tokenizer": {"vocab_size": 500}})
    assert effective.settings["tokenizer"] == {**file["tokenizer"], "vocab_size": 500}
    assert effective.overrides["tokenizer"]["used"]["min_frequency"] == file["tokenizer"]["min_frequency"]


def test_only_values_that_differ_from_the_file_are_listed_as_overrides():
    file = json.loads((RECIPES / "scratch.json").read_text())
    effective = effective_recipe("scratch", {"batch_size": file["batch_size"], "tokenizer": {}},
                                 {"max_steps": file["max_steps"], "threads": file["threads"] + 1})
    assert effective.overrides == {"threads": {"used": file["threads"] + 1, "recipe": file["threads"]}}


def _keys_read(module_name: str) -> set[str]:
    """The keys a trainer module reads from its `recipe` dict (`recipe.get(K)`, `recipe[K]`), with
    constant names (`FEATURE`, `pointer.OPTION`, a loop over `FEATURES`) resolved by importing it."""
    module = importlib.import_module(f"distill.trainer.{module_name}")
    tree = ast.parse(Path(module.__file__).read_text())
    loops = {}  # loop variable -> the expression it walks (`for feature in FEATURES`)
    for node in ast.walk(tree):
        if isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.target, ast.Name):
            loops[node.target.id] = node.iter

    def values(expr) -> list[str]:
        if isinstance(expr, ast.Name) and expr.id in loops:
            return list(eval(ast.unparse(loops[expr.id]), vars(module)))  # noqa: S307 (a module constant)
        return [eval(ast.unparse(expr), vars(module))]  # noqa: S307 (a literal or a module constant)

    keys = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "recipe":
            keys.update(values(node.args[0]))
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "recipe":
            keys.update(values(node.slice))
    return keys


def test_every_setting_the_trainer_reads_is_in_a_recipe_file_so_set_accepts_exactly_those():
    files = [json.loads(path.read_text()) for path in RECIPES.glob("*.json")]
    in_files = set().union(*files)
    modules = [path.stem for path in (RECIPES.parent / "trainer").glob("*.py") if path.stem != "__main__"]
    read = {module: _keys_read(module) for module in modules}
    assert len(set().union(*read.values())) > 40 and "pointer_head" in read["run"]  # the walk finds them
    missing = {module: sorted(keys - in_files) for module, keys in read.items() if keys - in_files}
    assert missing == {}, "settings read but in no recipe file (add them with the value the code defaults to)"


def test_set_refuses_a_key_no_recipe_has_naming_the_close_ones():
    with pytest.raises(ValueError, match=r"--set pointer_heads: no recipe has a setting 'pointer_heads'; "
                                         r"did you mean pointer_head"):
        effective_recipe("scratch", {"pointer_heads": True})


def test_set_refuses_a_key_inside_an_object_setting_no_recipe_has():
    # tokenizer={"vocab_sise": 500} would merge into the recipe's tokenizer and change nothing.
    with pytest.raises(ValueError, match=r"--set tokenizer.vocab_sise: no recipe has a setting "
                                         r"'tokenizer.vocab_sise'; did you mean vocab_size"):
        effective_recipe("scratch", {"tokenizer": {"vocab_sise": 500}})
    merged = effective_recipe("scratch", {"tokenizer": {"vocab_size": 500}}).settings["tokenizer"]
    assert merged["vocab_size"] == 500 and "min_frequency" in merged


@pytest.mark.parametrize("item", ["max_steps=NaN", "learning_rate=Infinity", "x=[1, -Infinity]", "learning_rate=1e999",
                                  "=3", "max_steps",
                                  "max_steps=null", "max_steps=seven"])
def test_set_refuses_values_json_cannot_hold_and_items_without_a_key(item):
    with pytest.raises(ValueError, match=re.escape(f"--set {item}: expected KEY=JSON")):
        parse_set([item])


def test_a_setting_that_is_not_a_finite_number_is_refused_however_it_came_in():
    # A script's Options bypass parse_set; specialist.json could not hold the value.
    with pytest.raises(ValueError, match="learning_rate: not finite"):
        effective_recipe("scratch", flags={"learning_rate": float("inf")})


def test_set_parses_json_values():
    assert parse_set(["max_steps=7", 'select_by="exact"']) == {"max_steps": 7, "select_by": "exact"}


@pytest.mark.parametrize("item, named", [("pointer_heads=true", "did you mean pointer_head"),
                                         ("max_steps=NaN", "--set max_steps=NaN")])
def test_the_trainer_cli_reports_a_bad_set_as_an_error_event_understudy_train_shows(tmp_path, capsys, item, named):
    status = trainer_cli(["--run-dir", str(tmp_path), "--set", item])
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == 2 and events[-1]["event"] == "error" and named in events[-1]["message"]
