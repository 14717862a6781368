"""Prompt feature `worded_values`: an argument whose value the question writes after the argument's
key spelt as words ("a client ID of my_client_id" → `client_id: "my_client_id"`, "the last name
being Thompson" → `user_last_name: "Thompson"`).

On the BFCL travel suite the scratch specialist answered "My access token of abc123xyz, a client
ID of my_client_id, a client secret of my_client_secret, and a refresh token of my_refresh_token.
The grant type should be set to read_write, and the user's first name is Michael, with the last
name being Thompson" with the right tool, `authenticate_travel`, but every value from the wrong
span (`grant_type` "198", `user_first_name` "39393687"): one training answer calls the tool, too
few for the model to learn where each value stands. The fills that read a value after its key's
name do not read these: `named_values` and `named_calls` take keys made of letters only ("title",
"username"), `cue_values` one cue word right before the value ("token abc"), and none reads
"KEY of VALUE" or a key written as several words. Which keys the agent takes from such phrases is
a property of the agent, visible in its training answers, so it is learnt at training time and
applied after decoding, as `unit_numbers` is.

The rule (PROMPT_FORMAT.md, "Prompt features"):
- a key of two or more words joined by `_` (ASCII letters: `client_id`, `user_first_name`) has
  *phrases*: its words from any one of them to the last, at least two (`user first name`, `first
  name`), written with one space or `_` between words, each letter in either case, not inside a
  longer word ("client ID", "Client_Id"; "client IDs" is none). Other keys have none.
- after a phrase, a `:` or `=` with any spaces or tabs around it, or one or more spaces or tabs
  (else none), then, within the next `MAX_TOKENS` tokens (runs of characters other than ASCII
  white space, separated by spaces or tabs; a line break ends the search with none): a
  token that opens a quoted span (`named_values`' spans) at its first character names the span;
  a token that, with any run of `. , ; : ! ? )` at its end, of `(` at its start and of quotes at both
  ends stripped,
  holds an ASCII letter or digit and a character that is no lowercase ASCII letter names that
  (`my_client_id`, `read_write`, `Michael`, `abc123xyz`); a token of lowercase ASCII letters only
  (`of`, `is`, `should be set to`, `being`) is skipped; any other token ends the search with none
  ("last name, please" names none).
- the *question* is the last user message's content; a key's *named value* is the one distinct
  value its phrases name there, none when they name none or two different ones.
- *Keys* (specialist.json `worded_values`, chosen from the training answers): over the top-level
  arguments of the training answers' calls that write a key as a string or a number (not a
  boolean), whose key `remembered_keys` would not fill (listed there and remembered) and whose
  question has a named value for the key, per key count the arguments and the distinct questions
  `seen`, and those `right` (the named value typed as the fill types it equals the written value,
  numbers by value; a question is right when every such argument of the key in its answers is). A
  key is a candidate when its right questions are at least `MIN_SHARE` of its seen ones; the
  candidates are listed when their right questions together (each question once) are at least
  `MIN_COUNT`. The count bar is pooled over the keys as `unit_numbers`' is: "the value written
  after the key's own words" is one habit of the agent whatever the key, and one key rarely shows
  it five times (travel's `authenticate_travel` is called once in training).
- *Unseen keys*: the cluster's top-level keys with phrases that no training question names a
  value for have no evidence against the habit; they join the listed keys when, cross-fitted
  (`FOLDS` folds of the sorted distinct questions dealt round robin, as `chosen_calls` deals
  them), the keys each fold's other folds would list as unseen are right in at least `MIN_SHARE`
  and `MIN_COUNT` of the held-out fold's arguments that name a value for them. Travel: 12 of 13
  (the one wrong: `expiration_date` "12/25" where the agent wrote "12/2025"), so `grant_type`,
  never phrased in training, is listed.
- *Fill*: after `longest_spans`, before `cue_values`: each top-level argument a call writes (not as
  a boolean, null, object or array) whose key is listed and whose question has a named value for
  it gets that value, typed by the called tool's schema for the key as a cue value is, unless the
  typed value does not fit the schema's type (`shaped_values.fits`). Arguments the answer does not
  write are not added.
"""

from __future__ import annotations

import re

from .cue_values import typed
from .named_values import quoted_spans
from .remembered_keys import MIN_COUNT, MIN_SHARE, _properties, _property_schema, _same, memory, replacing_arguments
from .retrieval import query_text
from .shaped_values import fits
from .slots import is_number

FEATURE = "worded_values"
# How many tokens after a phrase may hold its value: "grant type should be set to read_write"
# skips four lowercase words.
MAX_TOKENS = 5
# Folds of the cross-fitted check of the keys no training question phrases.
FOLDS = 5
_KEY = re.compile(r"[A-Za-z]+(?:_[A-Za-z]+)+")
# After the phrase: a ':' or '=' (spaces or tabs around it), or spaces or tabs; tokens are runs
# of anything but ASCII white space, separated by spaces or tabs (a line break ends the search).
_LEAD = re.compile(r"[ \t]*[:=][ \t]*|[ \t]+")
_TOKEN = re.compile(r"[^ \t\n\r\f\v]+")
_GAP = re.compile(r"[ \t]+")
_LOWERCASE = re.compile(r"[a-z]+")
_ALNUM = re.compile(r"[A-Za-z0-9]")
_QUOTES = "'\"`‘’“”"


def phrases(key: str) -> list[re.Pattern]:
    """The phrase patterns of `key`, longest first; none for a key that is not two or more words
    of ASCII letters joined by `_`. Explicit ASCII classes, as in Swift."""
    if not _KEY.fullmatch(key):
        return []
    words = key.split("_")
    patterns = []
    for first in range(len(words) - 1):
        spelt = "[ _]".join("".join(f"[{c.lower()}{c.upper()}]" for c in word) for word in words[first:])
        patterns.append(re.compile(r"(?<![A-Za-z0-9_])" + spelt + r"(?![A-Za-z0-9_])"))
    return patterns


def _stripped(token: str) -> str:
    """A token without the punctuation of its sentence: `. , ; : ! ? )` at its end, `(` at its
    start ("(abc123xyz456"), quotes at both ends."""
    return token.rstrip(".,;:!?)").lstrip("(").strip(_QUOTES)


def value_after(text: str, end: int) -> str | None:
    """The value a phrase ending at `end` names in `text` (module docstring), None for none."""
    lead = _LEAD.match(text, end)
    if lead is None:
        return None
    at = lead.end()
    spans = dict(quoted_spans(text))
    for _ in range(MAX_TOKENS):
        token = _TOKEN.match(text, at)
        if token is None:
            return None
        if token.start() in spans:
            return spans[token.start()]
        word = _stripped(token.group())
        if _ALNUM.search(word) and not _LOWERCASE.fullmatch(word):
            return word
        gap = _GAP.match(text, token.end())
        if not _LOWERCASE.fullmatch(token.group()) or gap is None:
            return None
        at = gap.end()
    return None


def named_value(text: str, key: str) -> str | None:
    """The key's one distinct named value in `text`, None for none or two different ones."""
    found = {value for pattern in phrases(key) for match in pattern.finditer(text)
             if (value := value_after(text, match.end())) is not None}
    return found.pop() if len(found) == 1 else None


def _writable(value) -> bool:
    return isinstance(value, str) or is_number(value)


def _tallies(examples, tools: list[dict], remembered, keys=None) -> tuple[dict, dict]:
    """Per key, [right, seen] arguments and {question: all its arguments right} over the training
    calls whose question names a value for the key (only `keys` when given)."""
    arguments_right: dict[str, list[int]] = {}
    questions_right: dict[str, dict[str, bool]] = {}
    for example in examples:
        question, remembers = query_text(example.messages), memory(example.messages)
        for call in example.target.get("tool_calls") or []:
            arguments = call.get("arguments") if isinstance(call.get("arguments"), dict) else {}
            for key, value in arguments.items():
                if (keys is not None and key not in keys) or not _writable(value) \
                        or (key in remembered and key in remembers):
                    continue
                found = named_value(question, key)
                if found is None:
                    continue
                right = _same(typed(found, _property_schema(tools, call.get("name"), key)), value)
                tally = arguments_right.setdefault(key, [0, 0])
                tally[0] += right
                tally[1] += 1
                questions = questions_right.setdefault(key, {})
                questions[question] = questions.get(question, True) and right
    return arguments_right, questions_right


def _phrased_keys(tools: list[dict]) -> set[str]:
    return {key for tool in tools or [] for key in _properties(tools, tool.get("name")) if phrases(key)}


def _listing(examples, tools: list[dict], remembered) -> tuple[list[str], list[str], dict, dict]:
    """(candidates, unseen keys, argument tallies, question tallies); no candidates when the
    pooled count bar fails."""
    arguments_right, questions_right = _tallies(examples, tools, remembered)
    right_questions = {key: {question for question, right in questions.items() if right}
                       for key, questions in questions_right.items()}
    candidates = sorted(key for key, questions in questions_right.items()
                        if len(right_questions[key]) >= MIN_SHARE * len(questions))
    pooled = set().union(*(right_questions[key] for key in candidates))
    if len(pooled) < MIN_COUNT:
        return [], [], arguments_right, questions_right
    return candidates, sorted(_phrased_keys(tools) - set(questions_right)), arguments_right, questions_right


def _unseen_cross_fitted(examples, tools: list[dict], remembered) -> list[int]:
    """[right, seen] arguments of the keys each fold lists unseen, filled in the held-out fold:
    FOLDS folds of the sorted distinct questions dealt round robin (chosen_calls' folds)."""
    questions = sorted({query_text(example.messages) for example in examples})
    fold_of = {question: index % FOLDS for index, question in enumerate(questions)}
    total = [0, 0]
    for fold in range(FOLDS):
        fit = [example for example in examples if fold_of[query_text(example.messages)] != fold]
        held = [example for example in examples if fold_of[query_text(example.messages)] == fold]
        _, unseen, _, _ = _listing(fit, tools, remembered)
        arguments_right, _ = _tallies(held, tools, remembered, set(unseen))
        for right, seen in arguments_right.values():
            total = [total[0] + right, total[1] + seen]
    return total


def choose(examples, tools: list[dict], remembered: list[str] = ()) -> dict:
    """The keys the training answers follow (module docstring), with the counts that chose them:
    {"keys": [...], "counts": {KEY: [right, seen, right questions, seen questions]}, "unseen":
    {"keys": [...], "cross_fitted": [right, seen]}} (counts of every key seen, listed or not).
    `remembered`: `remembered_keys`' keys, which that feature fills instead where remembered."""
    candidates, unseen, arguments_right, questions_right = _listing(examples, tools, remembered)
    cross_fitted = _unseen_cross_fitted(examples, tools, remembered) if unseen else [0, 0]
    # keys no training question phrases join only where, cross-fitted, such keys were right
    joined = cross_fitted[0] >= MIN_COUNT and cross_fitted[0] >= MIN_SHARE * cross_fitted[1]
    counts = {key: arguments_right[key] + [sum(questions_right[key].values()), len(questions_right[key])]
              for key in sorted(questions_right)}
    return {"keys": sorted(candidates + (unseen if joined else [])), "counts": counts,
            "unseen": {"keys": unseen if joined else [], "cross_fitted": cross_fitted}}


def fill(response: dict, messages: list[dict], keys: list[str], tools: list[dict]) -> dict:
    """The restored response with each listed argument a call writes set to the question's named
    value for its key."""
    if not keys or not response.get("tool_calls"):
        return response
    question = query_text(messages)
    named = {key: named_value(question, key) for key in keys}

    def value(tool, key, written):
        found = named.get(key)
        if found is None or not _writable(written):
            return written
        schema = _property_schema(tools, tool, key)
        return typed(found, schema) if fits(typed(found, schema), schema) else written

    return replacing_arguments(response, value)
