"""The optional_arguments policy: omit cuts calls to their tools' required arguments; auto picks it
when the training answers leave most optional arguments out."""

from distill.trainer.dataset import Example
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


def test_auto_omits_when_training_answers_leave_most_optional_arguments_out():
    def examples(*answers):
        return [Example(f"e{i}", [{"role": "user", "content": "convert"}], answer) for i, answer in enumerate(answers)]

    rarely = examples(call(amount=5, to="EUR"), call(amount=7, to="GBP"), call(amount=1, to="USD", precision=3))
    assert choose(rarely, lambda e: TOOLS) == ("omit", {"used": 1, "possible": 3})
    half = examples(call(amount=5, to="EUR"), call(amount=1, to="USD", precision=3))
    assert choose(half, lambda e: TOOLS)[0] == "model"  # a tie keeps the model's choice
    # No optional argument anywhere (or no tool calls): nothing to omit.
    assert choose(examples({"content": "hi", "tool_calls": []}), lambda e: TOOLS) == ("model", {"used": 0, "possible": 0})
