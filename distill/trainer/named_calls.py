"""Prompt feature `named_calls`: a call the question asks for by naming every required argument of
its tool, added first when the answer leaves it out.

On the BFCL multi-turn ticket suite a question that gives credentials ("My ticket username is
`mthompson` and password is `securePass123`", "Please use it user name tech_guru, password
securePass123") is answered with `ticket_login` first, then `create_ticket`; the scratch
specialist writes `create_ticket` alone (the login is in 4 of its 49 training answers). That a
question naming a tool's required arguments calls the tool is a habit of the agent, visible in
its training answers (ticket: `ticket_login` 4 of 4 questions naming username and password,
`create_ticket` 5 of 5 naming its title), so it is learnt at training time and applied after
decoding, as `named_values` is.

The rule (PROMPT_FORMAT.md, "Prompt features", holds the exact patterns); the *question* is the
last user message's content:
- A *name phrase* of a key made of ASCII letters is a word starting with the key in either case,
  where the key may be split once by one space ("user name" for `username`, "Password", "titled"),
  outside every quoted span (`named_values`' spans); other keys have none. A question *names* a
  tool when every required key of its schema (at least one) has a name phrase in it.
- The *named value* of a required key: the first quoted span the key claims (`named_values`'
  claim: the nearest name word before the span names it), else, for the key's name phrases in
  order, the first *value token* after the phrase when the phrase names it (`named_values`' gap:
  at most three letter words, no digit, quote, line break or sentence end between) and no name
  phrase of another string key of the tools (or of the tool's required keys) ends between them. A
  value token is a match of `TOKEN` (the bare-token pattern of the value slots) holding a digit or
  one of `_ @ . /` ("tech_guru", "SecurePass123", not "mzhang": a lower-case word is no value by
  the slot rules either).
- specialist.json `named_calls`: `{"tools": [...], "counts": {TOOL: [first, named]}}`, chosen by
  the trainer: per tool, over the training questions that name it, the answer's first call is to
  the tool in at least `MIN_SHARE` of them; the tools so listed must together hold at least
  `MIN_COUNT` such questions (the habit is the agent's, so its evidence is pooled over the tools
  that show it: ticket's `ticket_login` alone has 4).
- *Fill* (after `single_calls`, before `named_optional`): for each listed tool, in file order, an
  answer with calls, none to the tool, whose question names the tool and gives every required key
  a named value, gets a call to the tool with those values (in the schema's key order, typed by
  the schema as a slot of that text is) before its first call.
"""

from __future__ import annotations

import re

from .cue_values import typed
from .named_values import _quotes, claimed_spans, names, string_keys
from .remembered_keys import MIN_COUNT, MIN_SHARE, _properties
from .retrieval import query_text

FEATURE = "named_calls"
# The bare-token alternative of the value-slot pattern (PROMPT_FORMAT.md, "Value slots").
TOKEN = re.compile(r"(?<![A-Za-z0-9_.@/:+\-])-?[A-Za-z0-9_](?:[A-Za-z0-9_.@/:+\-]*[A-Za-z0-9_])?")
_VALUE_MARK = re.compile(r"[0-9_@./]")
_KEY = re.compile(r"[A-Za-z]+\Z")


def _phrase_pattern(key: str) -> re.Pattern:
    """A word starting with `key` (letters in either case), the key split by at most one space."""
    letters = ["[" + c.lower() + c.upper() + "]" for c in key]
    splits = ["".join(letters)] + ["".join(letters[:i]) + " " + "".join(letters[i:]) for i in range(1, len(key))]
    return re.compile(r"(?<![A-Za-z0-9_])(?:" + "|".join(splits) + r")[A-Za-z]*")


def name_phrases(text: str, key: str) -> list[int]:
    """Where each name phrase of `key` ends in `text` (module docstring); none for a key that is not
    ASCII letters."""
    if not _KEY.match(key):
        return []
    quoted = [(start, end) for start, end, _ in _quotes(text)]
    return [match.end() for match in _phrase_pattern(key).finditer(text)
            if not any(start <= match.start() < end for start, end in quoted)]


def required_keys(tools: list[dict], name: str) -> list[str]:
    """The tool's required keys, in the schema's key order (keys the properties lack last)."""
    for tool in tools or []:
        if tool.get("name") == name:
            required = (tool.get("parameters") or {}).get("required") or []
            properties = list(_properties(tools, name))
            return sorted((k for k in required if isinstance(k, str)),
                          key=lambda k: properties.index(k) if k in properties else len(properties))
    return []


def names_tool(question: str, tools: list[dict], name: str) -> bool:
    """Whether the question has a name phrase of every required key of the tool (at least one)."""
    keys = required_keys(tools, name)
    return bool(keys) and all(name_phrases(question, key) for key in keys)


def named_value(question: str, key: str, keys: list[str]) -> str | None:
    """The value the question names for `key` (module docstring); `keys`: the string keys that
    claim quoted spans."""
    for claimer, span in claimed_spans(question, keys):
        if claimer == key:
            return span
    others = [end for other in dict.fromkeys(keys) if other != key for end in name_phrases(question, other)]
    for end in name_phrases(question, key):
        for match in TOKEN.finditer(question, end):
            if _VALUE_MARK.search(match.group()):
                # the nearest name phrase names it: "user name ann, password p_1" gives username none
                if names(question, end, match.start()) and not any(end < other <= match.start() for other in others):
                    return match.group()
                break
    return None


def fill(response: dict, messages: list[dict], listed: list[str], tools: list[dict]) -> dict:
    """The restored response with a call to each listed tool the question names and the answer
    leaves out, before its first call (module docstring)."""
    calls = response.get("tool_calls") or []
    if not listed or not calls:
        return response
    question = query_text(messages)
    added = []
    for name in listed:
        if any(call.get("name") == name for call in calls) or not names_tool(question, tools, name):
            continue
        properties = _properties(tools, name)
        keys = string_keys(tools) + required_keys(tools, name)
        values = {key: named_value(question, key, keys) for key in required_keys(tools, name)}
        if any(value is None for value in values.values()):
            continue
        added.append({"name": name, "arguments": {key: typed(value, properties.get(key))
                                                  for key, value in values.items()}})
    return {**response, "tool_calls": added + calls} if added else response


def choose(examples, tools: list[dict]) -> dict:
    """The tools the training questions that name them call first (module docstring), with the
    counts: {"tools": [...], "counts": {tool: [first, named]}}."""
    counts: dict[str, list[int]] = {}
    for example in examples:
        question = query_text(example.messages)
        calls = example.target.get("tool_calls") or []
        for tool in tools or []:
            name = str(tool.get("name"))
            if names_tool(question, tools, name):
                tally = counts.setdefault(name, [0, 0])
                tally[0] += bool(calls) and calls[0].get("name") == name
                tally[1] += 1
    # counts is filled in the tools' order, so the listed tools keep it
    listed = [name for name, (first, named) in counts.items() if first >= MIN_SHARE * named]
    if sum(counts[name][0] for name in listed) < MIN_COUNT:
        listed = []
    return {"tools": listed, "counts": {name: counts[name] for name in listed}}
