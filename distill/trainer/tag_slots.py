"""Prompt feature `tag_slots`: `#hashtag` and `@mention` words of free text are value slots,
the sign included, so an answer copies `"tags":["#RoadTrip"]` by slot instead of spelling it.

The value extractor of prompt format v1 skips them: `#` and a leading `@` are no value
characters, and `RoadTrip` alone is neither a value token nor a title word. On the BFCL posting
suite 68 of the training answers' values are such words (48 hashtags, 20 mentions, all but 3
outside any slot), and the specialist left the tags out or wrote ones it memorised
(`"#RoadTrip"` for a trip to Stonebrook). The rule (PROMPT_FORMAT.md, "Value slots" and "Prompt
features"): with the feature, the free-text span pattern gets a fifth alternative,
`(?<![A-Za-z0-9_#@])[#@][A-Za-z0-9_]+`, tried like the others (leftmost match first; at one
position only one alternative can start), whose whole match is the slot's text.

The trainer lists the feature for a constant-tool cluster when at least `MIN_COUNT` of its training
answers' argument values are such words (`choose`): clusters without them keep prompts, and
models, as they were.
"""

from __future__ import annotations

import re

from .population import answer_leaves

FEATURE = "tag_slots"
MIN_COUNT = 5
_TAG = re.compile(r"[#@][A-Za-z0-9_]+", re.ASCII)


def tag_values(targets: list[dict]) -> int:
    """How many argument values of the answers are `#word` or `@word`."""
    return sum(isinstance(leaf, str) and _TAG.fullmatch(leaf) is not None
               for target in targets for leaf in answer_leaves(target))


def choose(targets: list[dict]) -> bool:
    """Whether a cluster whose training answers are `targets` gets the feature."""
    return tag_values(targets) >= MIN_COUNT
