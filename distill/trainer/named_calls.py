"""Prompt feature `named_calls`: a call the question asks for by naming every required argument of
its tool, added first when the answer leaves it out.

On the BFCL multi-turn ticket suite a question that gives credentials ("My ticket username is
`mthompson` and password is `securePass123`", "Please use it user name tech_guru, password
securePass123") is answered with `ticket_login` first, then `create_ticket`; the scratch
specialist writes `create_ticket` alone. That a question naming a tool's required arguments calls
the tool is a habit of the agent, visible in its training answers, so it is learnt at training
time, per tool, and applied after decoding, as `named_values` is. On ticket few training questions
show it (`ticket_login`: 4 of 4 recreated, 3 distinct questions), but the rule holds both ways there
(no other answer calls the tool), so ticket lists it; posting lists `authenticate_twitter` (18 of 18
recreated, 16 distinct questions).

The rule (PROMPT_FORMAT.md, "Prompt features", holds the exact patterns); the *question* is the
last user message's content:
- A *name phrase* of a key made of ASCII letters, outside every quoted span (`named_values`'
  spans), is a word starting with the key in either case ("Password", "titled"), or the key split
  once into two whole words ("user name" for `username`; "I deleted" is none of `id`); other keys
  have none. A question *names* a tool when every required key of its schema (at least one) has a
  name phrase in it.
- The *named value* of a required key: the first quoted span the key claims (`named_values`'
  claim, the keys' name phrases standing for their name words), else, for the key's name phrases
  in order, the whole space-delimited word right after the phrase, or after "is" or ":" there
  (any trailing `.,;)` stripped, then any leading or trailing quote: "password is `securePass123"
  ends the question with a quote that closes nothing), when it holds an ASCII letter or digit (a
  word of punctuation only, "username is — bob", is never a value) and is a value token
  (`slots.is_value_token`: a digit or one of `_ @ . /`), or follows "is" or ":" and the key is a
  *word key*: "password Pa$$w0rd" gives `Pa$$w0rd`, "username:tech_guru" `tech_guru`, "username is
  mzhang" `mzhang` where `username` is a word key; "user name ann", "username for ticket 42 is
  tech_guru" and, where `password` is no word key, "password is unchanged" none.
- *Word keys* (specialist.json `named_calls.words`): the required keys of the cluster's tools that
  some training call writes as a word that is no value token (one word, no white space, holding an
  ASCII letter or digit: ticket's `username` "mthompson"; its passwords all hold digits). Reading
  any word after "is" was not learnt, and it read "My username is the same as before and password
  is unchanged" as the login `the` / `unchanged` (distill/MEASUREMENTS.md, engineer fixticket).
- specialist.json `named_calls`: `{"tools": [...], "words": [...], "exclusive": [...], "counts":
  {TOOL: [right, replayed, right questions, replayed questions]}}` (`exclusive`: the listed tools
  the lower bar listed), chosen by the trainer by replaying the fill (word keys as chosen): per tool, each
  training answer with calls whose question names the tool loses its calls to the tool and the fill
  runs with the tool alone listed; a replay counts where the answer calls the tool or the fill adds
  it, and is right where the fill gives the answer back (the call, its values and its place). The
  tool is listed when at least `MIN_SHARE` of its replays are right and the right ones hold at
  least `MIN_COUNT` (5) distinct questions, or at least `MIN_EXCLUSIVE_COUNT` (3) when the rule
  holds both ways: every replay is right, and no training answer calls the tool where its question
  does not name it (per tool, never pooled). The lower bar was set with BFCL ticket's missed logins
  in view and ticket is the only suite it changes.
- *Fill* (after `single_calls`, before `named_optional`): for each listed tool, in file order, an
  answer with calls, none to the tool, whose question names the tool and gives every required key
  a named value, gets a call to the tool with those values (in the schema's key order, typed by
  the schema as a slot of that text is) before its first call.
"""

from __future__ import annotations

import re

from .cue_values import typed
from .named_values import _ANY_QUOTE, _KEY, _quotes, claimed_spans, string_keys
from .remembered_keys import MIN_COUNT, MIN_EXCLUSIVE_COUNT, MIN_SHARE, _properties
from .retrieval import query_text
from .slots import is_value_token

FEATURE = "named_calls"
# What may stand between a name phrase and its value: a space, "is" or a colon ("username:tech_guru").
_BEFORE_VALUE = re.compile(r"\s*:\s*|\s+is\s+|\s+")
# Stripped from a value word: first these at its end ("tech_guru," -> "tech_guru"), then any quote
# at either end, of a quoted span that does not close ("password is 'SecurePass123" ends the question).
_WORD_END = ".,;)"
_LETTER_OR_DIGIT = re.compile(r"[A-Za-z0-9]")


def _phrase_pattern(key: str) -> re.Pattern:
    """A word starting with `key` (letters in either case), or the key split once into two whole
    words ("user name"; "I deleted" is no phrase of `id`)."""
    letters = ["[" + c.lower() + c.upper() + "]" for c in key]
    splits = ["".join(letters[:i]) + " " + "".join(letters[i:]) + "(?![A-Za-z])" for i in range(1, len(key))]
    return re.compile(r"(?<![A-Za-z0-9_])(?:" + "|".join(splits + ["".join(letters) + "[A-Za-z]*"]) + ")")


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


def is_word(value: object) -> bool:
    """Whether a training value shows a key taking a word that is no value token ("mthompson"):
    one word, holding an ASCII letter or digit."""
    return (isinstance(value, str) and value != "" and len(value.split()) == 1 and value.strip() == value
            and _LETTER_OR_DIGIT.search(value) is not None and not is_value_token(value))


def word_keys(examples, tools: list[dict]) -> list[str]:
    """The required keys of the cluster's tools whose training values include a word that is no
    value token (module docstring), in code-point order."""
    required = {key for tool in tools or [] for key in required_keys(tools, tool.get("name"))}
    return sorted({key for example in examples for call in example.target.get("tool_calls") or []
                   if isinstance(call.get("arguments"), dict)
                   for key, value in call["arguments"].items() if key in required and is_word(value)})


def named_value(question: str, key: str, keys: list[str], words=frozenset()) -> str | None:
    """The value the question names for `key` (module docstring); `keys`: the string keys that
    claim quoted spans (by their name phrases); `words`: the word keys."""
    for claimer, span in claimed_spans(question, keys, name_phrases):
        if claimer == key:
            return span
    for end in name_phrases(question, key):
        gap = _BEFORE_VALUE.match(question, end)
        word = question[gap.end():].split(maxsplit=1)[0].rstrip(_WORD_END).strip(_ANY_QUOTE) if gap and gap.end() < len(question) else ""
        # a word of punctuation only is never a value ("username is — bob"); after "is" or ":" a
        # word that is no value token only for a word key ("username is mzhang"; "password is
        # unchanged" is none where the training passwords all hold digits)
        if not _LETTER_OR_DIGIT.search(word):
            continue
        if is_value_token(word) or (gap.group().strip() and key in words):
            return word
    return None


def fill(response: dict, messages: list[dict], listed: list[str], tools: list[dict], words=()) -> dict:
    """The restored response with a call to each listed tool the question names and the answer
    leaves out, before its first call (module docstring); `words`: the word keys."""
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
        values = {key: named_value(question, key, keys, set(words)) for key in required_keys(tools, name)}
        if any(value is None for value in values.values()):
            continue
        added.append({"name": name, "arguments": {key: typed(value, properties.get(key))
                                                  for key, value in values.items()}})
    return {**response, "tool_calls": added + calls} if added else response


def choose(examples, tools: list[dict]) -> dict:
    """The tools whose calls the fill recreates in the training answers (module docstring), with the
    word keys, the tools the lower bar listed and the counts: {"tools": [...], "words": [...],
    "exclusive": [...], "counts": {tool: [right, replayed, right questions, replayed questions]}}.
    Each training answer with calls whose question names the tool is replayed: its calls to the tool
    removed, the fill run with the tool alone listed. A replay counts where the answer calls the tool
    or the fill adds it; it is right where the fill gives the answer back."""
    words = word_keys(examples, tools)
    counts: dict[str, list[int]] = {}
    exclusive: set[str] = set()  # tools every training call of which the fill recreates
    for tool in tools or []:
        name = str(tool.get("name"))
        right, replayed = [], []
        unnamed_calls = 0
        for example in examples:
            calls = example.target.get("tool_calls") or []
            question = query_text(example.messages)
            if not calls or not names_tool(question, tools, name):
                unnamed_calls += any(call.get("name") == name for call in calls)
                continue
            others = [call for call in calls if call.get("name") != name]
            filled = fill({**example.target, "tool_calls": others}, example.messages, [name], tools, words)["tool_calls"]
            if filled == others == calls:
                continue  # neither called nor added: the fill leaves this answer alone
            replayed.append(question)
            if filled == calls:
                right.append(question)
        if replayed:
            counts[name] = [len(right), len(replayed), len(set(right)), len(set(replayed))]
            if len(right) == len(replayed) and not unnamed_calls:
                exclusive.add(name)
    # the bars are per tool; the count is of distinct questions (a repeated question is no new
    # evidence); a tool the answers call exactly where the fill would needs MIN_EXCLUSIVE_COUNT
    listed = [name for name, (right, seen, distinct, _) in counts.items()
              if right >= MIN_SHARE * seen and distinct >= (MIN_EXCLUSIVE_COUNT if name in exclusive else MIN_COUNT)]
    return {"tools": listed, "words": words,
            "exclusive": [name for name in listed if counts[name][2] < MIN_COUNT],
            "counts": {name: counts[name] for name in listed}}
