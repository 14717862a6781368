"""Prompt feature `named_values`: arguments the question names by a quoted span or a number that
follows the argument's own name, or by its quoted spans in order.

On the BFCL multi-turn ticket suite `create_ticket`'s `title` and `description` are quoted spans of
the last user message ("titled 'Billing Concern'", "description 'Initial project plan
details.'", "labeled 'Platform Error' … this message 'Issue with …'") and `priority` is the number
after the word "priority" ("priority 5", "priority level of 3", "priority-2"; "prioritize it at
level 3" has no word starting with "priority" and is not handled); the scratch specialist invents
descriptions from other answers, writes the title's span as the description and priority 5 where
the question says 3. Which arguments follow these rules is a property of the agent, visible in its
training answers, so it is learnt at training time and applied after decoding, as `cue_values` is.

The rule (PROMPT_FORMAT.md, "Prompt features" holds the exact patterns); the *question* is the last
user message's content:
- *Quoted spans*: the matches of `QUOTED` in order: a single quote (' ‘) closes with ' or ’, a
  double one (" “) with " or ”, a backtick with a backtick; the opening quote after no letter,
  digit or quote, the closing one before no letter or digit; no line break inside, no empty pair,
  a last comma dropped and a span left empty by that ignored.
- A *name word* of a key made of ASCII letters: a word of the question outside every quoted span
  that starts with the key, in either case ("titled" and "Title" for `title`); other keys have
  none. A name word *names* the first quoted span (for a string argument) or `NUMBER` (for an
  integer or number argument; signed after a space, "1,000" none) after it when at most
  `GAP_WORDS` words (runs of ASCII letters) and no quote, digit, line break or .;!? lie between.
- *Fill of one call* to tool T, with L the listed keys of T; a tool the answer calls more than
  once keeps its calls as written: (1) *named spans*: each quoted span is claimed by the key of the
  nearest name word before it that names it, among every string key of every cluster tool (so
  "username 'x'" keeps 'x' from `description`); a listed string key the call writes as a
  non-empty string takes the first span it claims; (2) *spans in order*: the listed string keys
  the call writes as a non-empty string that claim no span, in T's schema order, take the spans
  no key claims and no other argument holds (written by the answer's other calls, or by this
  call's other arguments after (1)), in the question's order, one each, while any is left; (3)
  *named numbers*: a listed integer or number key the call writes (not as a boolean or null)
  takes the number its first naming word names. A written empty string or null is kept (the user
  asked for none), arguments the call does not write are not added, everything else keeps its
  written value.
- *Arguments* (specialist.json `named_values`, chosen from the training answers): the candidates
  are the (tool, key) pairs whose string values (non-empty) are a verbatim part of the question in
  at least `MIN_SHARE` of the training calls that write them and at least `MIN_COUNT` times, and
  every integer or number key written at least `MIN_COUNT` times (the fill decides whether the
  question names it); the fill with the candidates listed is applied to each training answer's
  own calls, and a candidate stays listed when its filled value equals the answer's (numbers by
  value) in at least `MIN_SHARE` of the training calls it fills and at least `MIN_COUNT` times.
  The spans in order depend on which keys are listed, so this is repeated with the keys that
  stayed until none drops out; the counts recorded are those of the listed set.
"""

from __future__ import annotations

import re
from collections import Counter

from .remembered_keys import MIN_COUNT, MIN_SHARE, _properties, _property_schema, _same
from .retrieval import query_text
from .slots import Slot, coerce

FEATURE = "named_values"
# A quoted span: the opening quote after no letter, digit or quote (not the apostrophe of "I've",
# not the second quote of an empty pair), the closing one before no letter or digit. A single quote
# closes a single one, a double quote a double one (so "Fix the users' login page" stays whole),
# straight or curly: BFCL mixes them ('Urgent Change in Travel Plans’). An empty pair opens none.
_ANY_QUOTE = "'\"`‘’“”"
QUOTED = re.compile(rf"(?<![A-Za-z0-9{_ANY_QUOTE}])"
                    r"(?:['‘](?!['’])([^\n]+?)['’]|[\"“](?![\"”])([^\n]+?)[\"”]|`(?!`)([^\n]+?)`)"
                    r"(?![A-Za-z0-9])")
# A number: digits with an optional decimal part, after no letter, digit, '.' or "digit,", before
# no letter or digit and not going on with ".5" or ",000" ("1,000" is no number here); a '-' right
# before it is its sign when a space or the text's start precedes it ("priority -3"), a hyphen
# otherwise ("priority-2").
NUMBER = re.compile(r"(?:(?<!\S)-)?(?<![A-Za-z0-9.])(?<![0-9],)[0-9]+(?:\.[0-9]+)?"
                    r"(?![A-Za-z0-9]|\.[0-9]|,[0-9]{3})")
# At most this many words between a key's name word and the value it names: "priority level of
# 3", "priority to a level 5"; the training answers decide per key. No quote, digit, line break or
# sentence end (.;!?) lies between ("the priority. Also add 2 tickets" names nothing).
GAP_WORDS = 3
_SEPARATORS = rf"[^A-Za-z0-9\n.;!?{_ANY_QUOTE}]*"
_GAP = re.compile(rf"{_SEPARATORS}(?:[A-Za-z]+{_SEPARATORS}){{0,{GAP_WORDS}}}\Z")
_KEY = re.compile(r"[A-Za-z]+\Z")
_WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z]+")


def _quotes(text: str) -> list[tuple[int, int, str]]:
    """(start of the opening quote, end of the closing one, inner text without a last comma) of
    each quoted span, in order; spans left empty by dropping the comma (',') are none."""
    spans = []
    for match in QUOTED.finditer(text):
        inner = next(group for group in match.groups() if group is not None).removesuffix(",")
        if inner:
            spans.append((match.start(), match.end(), inner))
    return spans


def quoted_spans(text: str) -> list[tuple[int, str]]:
    """The text's quoted spans (start of the opening quote, inner text without a last comma), in order.
    A comma before the closing quote is the sentence's ("named 'Flight Cancellation Alert,'
    detailing …"; American style), never the value's: no training value ends with one."""
    return [(start, inner) for start, _, inner in _quotes(text)]


def name_words(text: str, key: str) -> list[int]:
    """Where each name word of `key` ends in `text` (module docstring): a word outside every quoted
    span ("titled 'Priority 1 outage'" has no name word of priority); none for a key that is not
    ASCII letters."""
    if not _KEY.match(key):
        return []
    quoted = [(start, end) for start, end, _ in _quotes(text)]
    return [match.end() for match in _WORD.finditer(text)
            if match.group().lower().startswith(key.lower())
            and not any(start <= match.start() < end for start, end in quoted)]


def names(text: str, word_end: int, value_start: int) -> bool:
    """Whether the name word ending at `word_end` names a value starting at `value_start`."""
    return word_end <= value_start and _GAP.match(text[word_end:value_start]) is not None


def named_number(text: str, key: str) -> str | None:
    """The number the first naming name word of `key` names in `text`, as written (with its sign)."""
    for end in name_words(text, key):
        match = NUMBER.search(text, end)
        if match and names(text, end, match.start()):
            return match.group()
    return None


def claimed_spans(text: str, keys: list[str], words_of=None) -> list[tuple[str | None, str]]:
    """Each quoted span with the key that claims it (None: no key), in order: the key of the nearest
    name word before the span that names it; of keys sharing a prefix ("desc", "description") whose
    name word is the same word, the one last in code-point order (the longer) claims. `words_of`:
    where a key's name words end (default `name_words`; named_calls passes its name phrases)."""
    words = sorted((end, key) for key in dict.fromkeys(keys) for end in (words_of or name_words)(text, key))
    claimed = []
    for start, span in quoted_spans(text):
        naming = [(end, key) for end, key in words if names(text, end, start)]
        claimed.append((naming[-1][1] if naming else None, span))
    return claimed


def _kind(schema: dict | None) -> str:
    kind = (schema or {}).get("type")
    return "number" if kind in ("integer", "number") else "string" if kind == "string" else ""


def string_keys(tools: list[dict]) -> list[str]:
    """Every top-level string key of the cluster's tools, in order (the keys that claim spans)."""
    return list(dict.fromkeys(key for tool in tools or []
                              for key, schema in _properties(tools, tool.get("name")).items()
                              if _kind(schema) == "string"))


def filled_call(call: dict, question: str, listed: set[tuple[str, str]], tools: list[dict],
                elsewhere: set[str] = frozenset()) -> tuple[dict, set[str]]:
    """One call with its listed arguments filled (module docstring), and the keys the fill gave a
    value from the question. `elsewhere`: the string values the answer's other calls write (spans
    they hold are no unclaimed spans for this call)."""
    arguments = call.get("arguments")
    name = call.get("name")
    if not isinstance(arguments, dict):
        return call, set()
    properties = _properties(tools, name)
    mine = [key for key in properties if (name, key) in listed and key in arguments]
    strings = [key for key in mine if _kind(properties[key]) == "string"
               and isinstance(arguments[key], str) and arguments[key]]
    claimed = claimed_spans(question, string_keys(tools))
    values: dict[str, object] = {}
    for key in strings:
        own = [span for claimer, span in claimed if claimer == key]
        if own:
            values[key] = own[0]
    in_order = [key for key in strings if key not in values]
    # Spans the call's other arguments hold (as filled) or the other calls write are taken.
    taken = set(elsewhere) | {value for key, value in {**arguments, **values}.items()
                              if key not in in_order and isinstance(value, str)}
    free = [span for claimer, span in claimed if claimer is None and span not in taken]
    for key, span in zip(in_order, free):
        values[key] = span
    for key in mine:
        # A written boolean or null is kept (null: the user asked for none, as an empty string).
        if _kind(properties[key]) == "number" and arguments[key] is not None and not isinstance(arguments[key], bool):
            found = named_number(question, key)
            if found is not None:
                values[key] = coerce(Slot(found, "number"), properties[key])
    if not values:
        return call, set()
    return {**call, "arguments": {key: values.get(key, written) for key, written in arguments.items()}}, set(values)


def filled_calls(calls: list[dict], question: str, listed: set[tuple[str, str]],
                 tools: list[dict]) -> list[tuple[dict, set[str]]]:
    """Each call filled, with the keys given a value; a tool the answer calls more than once keeps
    its calls as written (which of the question's values each call means is not known)."""
    repeated = {name for name, count in Counter(call.get("name") for call in calls).items() if count > 1}
    results = []
    for index, call in enumerate(calls):
        if call.get("name") in repeated:
            results.append((call, set()))
            continue
        elsewhere = {value for other in calls[:index] + calls[index + 1:]
                     if isinstance(other.get("arguments"), dict)
                     for value in other["arguments"].values() if isinstance(value, str)}
        results.append(filled_call(call, question, listed, tools, elsewhere))
    return results


def fill(response: dict, messages: list[dict], arguments: list[dict], tools: list[dict]) -> dict:
    """The restored response with each listed argument set to the value the question names."""
    if not arguments or not response.get("tool_calls"):
        return response
    listed = {(rule["tool"], rule["key"]) for rule in arguments}
    calls = filled_calls(response["tool_calls"], query_text(messages), listed, tools)
    return {**response, "tool_calls": [call for call, _ in calls]}


def _candidates(examples, tools: list[dict]) -> set[tuple[str, str]]:
    counts: dict[tuple[str, str], list[int]] = {}
    for example in examples:
        question = query_text(example.messages)
        for call in example.target.get("tool_calls") or []:
            arguments = call.get("arguments") if isinstance(call.get("arguments"), dict) else {}
            for key, value in arguments.items():
                kind = _kind(_property_schema(tools, call.get("name"), key))
                if kind == "string" and isinstance(value, str) and value:
                    hit = value in question
                elif kind == "number":
                    # Every number key written often enough is a candidate: the fill's own check
                    # decides (a question may say "high-priority" where the answer writes 5, and
                    # name no number).
                    hit = True
                else:
                    continue
                tally = counts.setdefault((str(call.get("name")), key), [0, 0])
                tally[0] += hit
                tally[1] += 1
    return _passing(counts)


def _passing(counts: dict[tuple[str, str], list[int]]) -> set[tuple[str, str]]:
    return {pair for pair, (right, seen) in counts.items() if right >= MIN_COUNT and right >= MIN_SHARE * seen}


def _fill_counts(examples, listed: set[tuple[str, str]], tools: list[dict]) -> dict[tuple[str, str], list[int]]:
    """[right, filled] per (tool, key): the training calls the fill with `listed` gives a value."""
    counts: dict[tuple[str, str], list[int]] = {}
    for example in examples:
        calls = example.target.get("tool_calls") or []
        for call, (filled, given) in zip(calls, filled_calls(calls, query_text(example.messages), listed, tools)):
            for key in given:
                tally = counts.setdefault((str(call.get("name")), key), [0, 0])
                tally[0] += _same(filled["arguments"][key], call["arguments"][key])
                tally[1] += 1
    return counts


def choose(examples, tools: list[dict]) -> dict:
    """The (tool, key) pairs the fill gets right on the training answers (module docstring), with
    the counts that chose them: {"arguments": [{"tool", "key"}], "counts": {"tool.key": [right, filled]}}.
    Which keys are listed changes the spans in order, so the fill is rescored with the passing
    pairs until none drops out: the recorded counts are those of the listed set that ships."""
    listed = _candidates(examples, tools)
    while True:
        counts = _fill_counts(examples, listed, tools)
        passing = _passing(counts) & listed
        if passing == listed:
            break
        listed = passing
    ordered = sorted(listed)
    return {"arguments": [{"tool": tool, "key": key} for tool, key in ordered],
            "counts": {".".join(pair): counts[pair] for pair in ordered}}
