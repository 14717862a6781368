"""Prompt feature `call_limit` (clusters whose requests bring their own tools): an answer keeps at
most as many calls as its question asks for — its clauses (`clause_tools.clauses`, at least 1)
plus its list separators (`,`, ` and `, ` or `) — and drops the calls after them.

A scratch specialist that has written the call a one-part question asks for often goes on writing
more calls to the same tool with the question's other values (BFCL generic, seed 0: "Find all the
major achievements of the footballer Lionel Messi" answered with two calls, the second with a tool
slot as the name). Of the cluster's 707 training call answers, 5 write more calls than the limit
(`over_limit`), while 1-clause questions with one call are 405 of them.

The rule works on the generated text, before slot restoration (PROMPT_FORMAT.md, "Prompt
features"), like `distinct_calls`: when the text starts with the response head, its complete
calls are read in order (`distinct_calls.calls_of`); when the limit's last call is followed by
`,` (another call starts, complete or cut by max_new_tokens), the text becomes the head, the first
`limit` calls joined by `,`, and `]}`. A question without words (no user message) has no limit.
Greedy decoding of the kept calls does not depend on what follows, so an engine may stop at that
`,` (the Swift engine does).
"""

from __future__ import annotations

import re

from .clause_tools import clauses
from .distinct_calls import calls_of
from .prompt import RESPONSE_HEAD
from .retrieval import query_text

FEATURE = "call_limit"
_SEPARATORS = re.compile(r",| and | or ")


def limit(question: str) -> int | None:
    """How many calls the question may get: its clauses (at least 1) plus its separators; None
    for a question without words."""
    parts = clauses(question)
    if not parts:
        return None
    return len(parts) + len(_SEPARATORS.findall(question))


def cut(text: str, question: str) -> str:
    """The answer text ended after the question's limit of calls (unchanged when no call follows)."""
    allowed, calls = limit(question), calls_of(text)
    if allowed is None or len(calls) < allowed:
        return text
    kept = RESPONSE_HEAD + ",".join(calls[:allowed])
    return kept + "]}" if text[len(kept) : len(kept) + 1] == "," else text


def over_limit(examples) -> int:
    """How many of the examples' answers write more calls than their question's limit."""
    count = 0
    for example in examples:
        allowed = limit(query_text(example.messages))
        count += allowed is not None and len(example.target.get("tool_calls") or []) > allowed
    return count
