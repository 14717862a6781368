"""The optional_arguments policy: omit cuts calls to their tools' required arguments; auto picks it
only when it matches more validation answers."""

from distill.trainer.evaluate import exact_match
from distill.trainer.optional import choose, omit_optional

TOOLS = [{"name": "convert", "parameters": {"type": "object", "required": ["amount", "to"], "properties": {
    "amount": {"type": "number"}, "to": {"type": "string"}, "precision": {"type": "integer"}}}}]


def call(**arguments):
    return {"content": None, "tool_calls": [{"name": "convert", "arguments": arguments}]}


def test_omit_keeps_only_the_required_arguments_of_listed_tools():
    assert omit_optional(call(amount=5, to="EUR", precision=2), TOOLS) == call(amount=5, to="EUR")
    unknown = {"content": None, "tool_calls": [{"name": "other", "arguments": {"x": 1}}]}
    assert omit_optional(unknown, TOOLS) == unknown  # a tool the list lacks is left as decoded
    assert omit_optional(None, TOOLS) is None


def test_auto_chooses_omit_only_when_it_matches_more_answers():
    targets = [call(amount=5, to="EUR"), call(amount=7, to="GBP")]
    # The model adds an unasked precision: omitting optional arguments matches both answers.
    added = [call(amount=5, to="EUR", precision=2), call(amount=7, to="GBP", precision=1)]
    assert choose(added, targets, [TOOLS, TOOLS], exact_match) == ("omit", {"model": 0, "omit": 2, "examples": 2})
    # A tie keeps the model's choice; answers that need their optional argument lose it under omit.
    needed = call(amount=1, to="USD", precision=3)
    assert choose([added[0], needed], [targets[0], needed], [TOOLS, TOOLS], exact_match)[0] == "model"
    assert choose([needed], [needed], [TOOLS], exact_match) == ("model", {"model": 1, "omit": 0, "examples": 1})
