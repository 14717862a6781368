"""Prompt feature `single_calls`: a tool no training answer calls twice is called at most once.

`distinct_calls` ends an answer at a call that repeats an earlier one byte for byte; a scratch
model also repeats a call with other values: on BFCL vehicle (seed 0) a right
`estimate_drive_feasibility_by_mileage` followed by a second one with a memorised distance, on
ticket `create_ticket` two to four times. In the seven multi-turn suites most tools are never
called twice in one training answer (vehicle's `get_zipcode_based_on_city` is, 16 times; six
file_system tools are), so the trainer lists those that never are, and after decoding an answer
keeps only the first call to each listed tool.

The rule (PROMPT_FORMAT.md, "Prompt features"): specialist.json `single_calls`: `{"tools": [...]}`,
the cluster's tools (in the cluster's order) that at least `MIN_COUNT` training answers call and
no training answer calls more than once (a tool called once or never in training shows no habit);
the feature is listed only when some tool qualifies and at least one training answer calls two or
more tools. *Cut*: after the answer is restored, before the fills, a call to a listed tool is dropped
when an earlier call of the answer names the same tool; the others keep their order.
"""

from __future__ import annotations

from collections import Counter

from .remembered_keys import MIN_COUNT

FEATURE = "single_calls"


def choose(examples, tools: list[dict]) -> dict:
    """The tools at least `MIN_COUNT` training answers call and none calls twice: {"tools": [...]}
    (empty when no training answer has two calls: nothing shows that one tool call per answer is
    the agent's habit)."""
    repeated, answers, several = set(), Counter(), False
    for example in examples:
        names = Counter(str(call.get("name")) for call in example.target.get("tool_calls") or [])
        several = several or sum(names.values()) >= 2
        repeated |= {name for name, count in names.items() if count > 1}
        answers.update(names.keys())
    if not several:
        return {"tools": []}
    return {"tools": [name for name in (str(tool.get("name")) for tool in tools or [])
                      if name not in repeated and answers[name] >= MIN_COUNT]}


def cut(response: dict, tools: list[str]) -> dict:
    """The response without the second and later calls to each listed tool."""
    listed, seen, kept = set(tools), set(), []
    for call in response.get("tool_calls") or []:
        name = call.get("name")
        if name in listed and name in seen:
            continue
        seen.add(name)
        kept.append(call)
    return {**response, "tool_calls": kept} if response.get("tool_calls") else response
