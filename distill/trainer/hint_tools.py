"""Prompt feature `hint_tools`: an answer's calls are restricted to the nearest neighbour's tools.

With `retrieval_hint` the prompt shows the call heads of the k nearest training answers, and the
model still picks the wrong tool for most of its in-request misses on the BFCL multi-turn suites
(trading: 13 of 20 misses; it repeats the history's last call or appends a call it saw after this
one in training). Restricting decoding to the tools of the nearest hint (the first `<|hint|>`)
turned those into hits: seed 0, evaluate.py, in-request held-out exact match trading 16 -> 20/36,
travel 2 -> 6/35, message 0 -> 5/7, the other suites unchanged (distill/MEASUREMENTS.md). Restricting to
the union of the k hints' tools helped trading only (the union rarely excludes the wrong tool).

The rule (PROMPT_FORMAT.md, "Prompt features"): let T be the cluster's tools whose call head
`{"name":"NAME","arguments":` occurs in the nearest neighbour's hint text. When T is not empty every
call of the answer names a tool of T (the model still chooses among them, how many calls, and the
arguments); when it is empty (the neighbour answered in text, or there is no neighbour) nothing
is restricted. Nothing is added to the prompt: the feature changes decoding only, and is listed in
specialist.json `prompt_features` so an engine that does not know it refuses the specialist.
"""

from __future__ import annotations

from .prompt import call_head
from .retrieval import HINT

FEATURE = "hint_tools"
# Companion feature (recipe key `clause_hint_tools: true`, with `hint_tools`): the tools the
# question's clauses pick among the cluster's tools (clause_tools.py, by name and description)
# are allowed beside the nearest hint's. The nearest training request often reads like a held-out
# one but asks for another tool ("scrap that order" next to an order query; a retweet next to a
# mention): on the BFCL multi-turn suites' training answers (leave-one-out) the nearest hint's
# tools hold every called tool for 745 of 940 call answers, joined with the clauses' picks 817.
CLAUSE_FEATURE = "clause_hint_tools"


def nearest_tools(hint: str, tool_names: list[str]) -> list[str]:
    """The tools (of `tool_names`, in that order) the nearest neighbour's hint calls; `hint` is the
    prompt's whole hint text (`<|hint|>` + call heads, per neighbour, nearest first)."""
    parts = hint.split(HINT)
    nearest = parts[1] if len(parts) > 1 else ""
    return [name for name in tool_names if call_head(name) in nearest]


def allowed_tools(hint: str, tool_names: list[str], picked: list[str] | None = None,
                  chosen: list[str] | None = None) -> list[str]:
    """The tools (in `tool_names` order) an answer may call: the nearest hint's, joined by the
    clauses' `picked` ones (`clause_hint_tools`; None: the feature is off), or instead the
    classifier's `chosen` ones (`tool_choice.py`; None: off), whatever the hint; without the
    classifier, empty (nothing restricted) when the nearest hint calls no tool, whatever the
    clauses pick."""
    if chosen is not None:  # also where the nearest neighbour answered with text
        return [name for name in tool_names if name in chosen]
    nearest = set(nearest_tools(hint, tool_names))
    if not nearest:
        return []
    return [name for name in tool_names if name in nearest or name in (picked or ())]


def banned_heads(tokenizer, hint: str, tool_names: list[str], head_names: list[str],
                 picked: list[str] | None = None, chosen: list[str] | None = None) -> list[int]:
    """Token ids of the call heads decoding must not write for a prompt with this hint (a scratch
    tokenizer has one added token per call head, for each of `head_names`): every head outside
    `allowed_tools(hint, tool_names, picked, chosen)`, or none when that is empty."""
    allowed = set(allowed_tools(hint, tool_names, picked, chosen))
    if not allowed:
        return []
    vocabulary = tokenizer.get_vocab()
    return [vocabulary[call_head(name)] for name in head_names
            if name not in allowed and call_head(name) in vocabulary]
