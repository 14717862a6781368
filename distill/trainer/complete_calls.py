"""Prompt feature `complete_calls`: an answer cut at `max_new_tokens` keeps its complete calls;
only the unfinished call at its end is dropped.

A scratch specialist sometimes writes a call again with other values until `max_new_tokens`
cuts the answer mid-call (BFCL ticket, seed 0: `ticket_login`, then `create_ticket` twice, the
second cut). Without the feature the whole answer is unparsable, so the right calls before the
cut are lost too; with it the answer is those calls, and `single_calls` / `distinct_calls` then
treat it as any finished answer.

The rule works on the generated text, before slot restoration (PROMPT_FORMAT.md, "Prompt
features"), like `distinct_calls`: when the text starts with the response head
`{"content":null,"tool_calls":[`, the text becomes the head, its complete calls
(`distinct_calls.calls_of`) joined by `,`, and `]}` — a finished answer is exactly that already.
A text without a complete call, a finished answer and a text answer stay as they are.
No choice is learnt: a cut answer is never right as written, so keeping its finished calls can
only help; the feature is listed whenever the recipe turns it on.
"""

from __future__ import annotations

from .distinct_calls import calls_of
from .prompt import RESPONSE_HEAD

FEATURE = "complete_calls"


def keep_complete(text: str) -> str:
    """The answer text with only its complete calls, closed by `]}` (a finished answer is that
    already); unchanged when it has no complete call or is not a call answer (no response head)."""
    calls = calls_of(text)
    return RESPONSE_HEAD + ",".join(calls) + "]}" if calls else text
