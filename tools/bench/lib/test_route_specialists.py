"""The bench's Python specialist server prompts as the Swift engine serves: the prompt budget is
specialist.json's own `max_prompt_tokens`, not the recipe setting recorded beside it."""

import json
import shutil
from pathlib import Path

from route_specialists import Specialist

TINY = Path(__file__).resolve().parents[3] / "distill" / "trainer" / "tests" / "golden" / "tiny-specialist"


def test_the_prompt_budget_is_specialist_jsons_max_prompt_tokens(tmp_path):
    directory = tmp_path / "tiny"
    shutil.copytree(TINY, directory)
    spec = json.loads((directory / "specialist.json").read_text())
    spec["max_prompt_tokens"] = 24
    spec["recipe_settings"] = {**spec.get("recipe_settings", {}), "max_prompt_tokens": 256, "max_slots": 64,
                               "max_target_tokens": 256}
    (directory / "specialist.json").write_text(json.dumps(spec))
    specialist = Specialist(directory)
    long_question = "Please drop booking BK-2231 " + "and tell me when it is done " * 20
    feature, _ = specialist.feature([{"role": "user", "content": long_question}], [])
    assert len(feature.prompt_ids) <= 24
