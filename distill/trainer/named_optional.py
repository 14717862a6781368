"""Prompt feature `named_optional`: an optional argument the training answers write exactly when the
question names it, dropped after decoding from a call whose question does not.

On the BFCL multi-turn ticket suite `create_ticket`'s `priority` (optional, default 1) is written
in the training calls whose question has a word starting with "priority" ("priority 5",
"priority-2", "high-priority") and left out of those whose question has none; the scratch
specialist writes priority 5 or 1 either way. Whether an optional argument is left out where the
user does not name it is a habit of the agent, visible in its training answers, so it is learnt at
training time and applied after decoding, as `named_values` is. The calls without a name word are
the evidence the bar counts (the drop acts on no other): on ticket they are 4 (3 distinct
questions), under `MIN_COUNT`, but the named calls show the other side of the rule (9, 8 distinct
questions, all writing `priority`), so the lower `MIN_EXCLUSIVE_COUNT` applies and ticket lists it.

The rule (PROMPT_FORMAT.md, "Prompt features"); the *user turns* are the user messages since the
last assistant message with calls (a clarification's text answer does not end them: "…a
high-priority ticket…", "which password?", "Password is …"), and a key's *name words* are
`named_values`' (a word outside the quoted spans that starts with the key, either case; keys that
are not ASCII letters have none and are never listed):
- specialist.json `named_optional`: `{"arguments": [{"tool", "key"}, ...], "exclusive": ["TOOL.KEY",
  ...], "counts": {"TOOL.KEY": [left out, unnamed, left-out questions, unnamed questions]}}`
  (`exclusive`: the listed arguments the lower bar listed), chosen by the trainer: per tool and
  top-level key of its schema's `properties` not in its `required`, over the training calls to the
  tool whose user turns have no name word of the key, the key is left out in at least `MIN_SHARE`
  (85%) of them and in at least `MIN_COUNT` (5) distinct questions, or at least
  `MIN_EXCLUSIVE_COUNT` (3) when the key is written exactly when named: every unnamed call leaves it
  out, every named call writes it, in at least `MIN_COUNT` distinct questions, and the key has at
  least `MIN_EXCLUSIVE_LETTERS` (3) letters (per argument, never pooled). A short key's name words
  are any word starting with it (file_system `ls.a`: "show the hidden files all" has one), so it
  keeps the full bar. The lower bar was set with BFCL ticket's `priority` misses in view and ticket
  is the only suite it changes.
- *Fill* (after `named_calls`, before `named_values`): each call to a listed tool whose user turns
  have no name word of a listed key of that tool loses the key; the other arguments keep their order.
"""

from __future__ import annotations

from collections import defaultdict

from .named_values import _KEY, name_words
from .remembered_keys import MIN_COUNT, MIN_EXCLUSIVE_COUNT, MIN_SHARE, _properties

FEATURE = "named_optional"
# A key shorter than this never takes the lower bar: its name words are too common ("a" starts
# "all", "and", "add"), so "written exactly when named" says little about the user naming it.
MIN_EXCLUSIVE_LETTERS = 3


def _optional_keys(tools: list[dict], name: str) -> list[str]:
    """The tool's top-level keys that are not required and are ASCII letters, in schema order."""
    for tool in tools or []:
        if tool.get("name") == name:
            required = set((tool.get("parameters") or {}).get("required") or [])
            return [key for key in _properties(tools, name) if key not in required and _KEY.match(key)]
    return []


def turns(messages: list[dict]) -> list[str]:
    """The user messages' contents since the last assistant message with calls ("…a high-priority
    ticket…", a text answer asking for the password, "Password is …": both turns)."""
    since = []
    for message in reversed(messages):
        if message.get("role") == "assistant" and message.get("tool_calls"):
            break
        if message.get("role") == "user":
            since.append(message.get("content") or "")
    return since[::-1]


def user_text(messages: list[dict]) -> str:
    """The user turns joined by a line break (no quoted span, name word or `#word` crosses one):
    what `longest_spans` and `tag_lists` read. A request that ends with tool results after the
    last answer with calls has no user turn since it; then the user turns up to the last user
    message are read (those since the answer with calls before it), so the question the calls
    answer still counts."""
    last_user = max((index for index, message in enumerate(messages) if message.get("role") == "user"), default=-1)
    return "\n".join(turns(messages) or turns(messages[:last_user + 1]))


def named(messages: list[dict], key: str) -> bool:
    """Whether a user turn since the last answer with calls has a name word of `key`."""
    return any(name_words(turn, key) for turn in turns(messages))


def fill(response: dict, messages: list[dict], arguments: list[dict], tools: list[dict]) -> dict:
    """The restored response without the listed arguments its user turns do not name."""
    if not arguments or not response.get("tool_calls"):
        return response
    unnamed = {(rule["tool"], rule["key"]) for rule in arguments if not named(messages, rule["key"])}
    calls = []
    for call in response["tool_calls"]:
        if isinstance(call.get("arguments"), dict):
            call = {**call, "arguments": {key: value for key, value in call["arguments"].items()
                                          if (call.get("name"), key) not in unnamed}}
        calls.append(call)
    return {**response, "tool_calls": calls}


def choose(examples, tools: list[dict]) -> dict:
    """The optional arguments the training answers leave out when their user turns do not name them
    (module docstring), with the arguments the lower bar listed and the counts: {"arguments": [{"tool",
    "key"}], "exclusive": ["tool.key"], "counts": {"tool.key": [left out, unnamed, left-out questions,
    unnamed questions]}}. Only the calls the drop acts on count."""
    counts: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    written: dict[tuple[str, str], list[str | None]] = defaultdict(list)
    for example in examples:
        for call in example.target.get("tool_calls") or []:
            name = str(call.get("name"))
            arguments = call.get("arguments") if isinstance(call.get("arguments"), dict) else {}
            for key in _optional_keys(tools, name):
                question = "\n".join(turns(example.messages))
                if named(example.messages, key):
                    # the other side of the rule: a named key is written (or it is not exclusive)
                    written[(name, key)].append(question if key in arguments else None)
                    continue
                left_out, unnamed = counts.setdefault((name, key), ([], []))
                unnamed.append(question)
                if key not in arguments:
                    left_out.append(question)
    tallies = {pair: [len(left), len(seen), len(set(left)), len(set(seen))] for pair, (left, seen) in counts.items()}
    # a key written exactly when named: every unnamed call leaves it out, every named one writes it,
    # in at least MIN_COUNT distinct questions; a short key's name words are too common to trust
    exclusive = {pair for pair, (left, seen, _, _) in tallies.items() if left == seen and written[pair]
                 and None not in written[pair] and len(set(written[pair])) >= MIN_COUNT
                 and len(pair[1]) >= MIN_EXCLUSIVE_LETTERS}
    # the bars are per argument; the count is of distinct questions
    listed = sorted(pair for pair, (left, seen, distinct, _) in tallies.items()
                    if left >= MIN_SHARE * seen
                    and distinct >= (MIN_EXCLUSIVE_COUNT if pair in exclusive else MIN_COUNT))
    return {"arguments": [{"tool": tool, "key": key} for tool, key in listed],
            "exclusive": [".".join(pair) for pair in listed if tallies[pair][2] < MIN_COUNT],
            "counts": {".".join(pair): tallies[pair] for pair in listed}}
