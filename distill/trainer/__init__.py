"""Understudy's training engine: one small specialist model per cluster.

Reads the trainer datasets written by `understudy distill` (docs/formats.md, "Trainer dataset"),
trains with a recipe from distill/recipes/ and writes a Hugging Face model directory plus
specialist.json per cluster. Entry point: `python -m distill.trainer --help`.
"""

PROMPT_FORMAT_VERSION = 4
