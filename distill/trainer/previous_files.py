"""Prompt feature `previous_files`: a file argument the question leaves unnamed takes the file the
conversation last wrote under its key.

On the BFCL multi-turn file_system suite "jot down 'Collaboration leads to success.' into the
previous file" is `echo` with `file_name` the file an earlier turn's `touch` created: the question
names no file, and in every training `echo` call whose question names none (7 of 7) the file is
the latest `file_name` the conversation (or an earlier call of the same answer: `touch 1.txt`,
then `echo` into it) wrote. The scratch specialist wrote the content's slot or a capitalised word
of the question ("Simona") there instead. Which arguments default to the previous file is a
property of the agent, visible in its training answers, so it is learnt at training time and
applied after decoding, as `remembered_keys` is; `remembered_keys` itself does not list
`file_name`, since most calls take a file the question names.

The rule (PROMPT_FORMAT.md, "Prompt features"); the *question* is the last user message's content:
- *File names* of a text: the matches of `FILE_NAME` (a name or path of letters of any script,
  symbols such as emoji, digits, `_`, `.`, `-`, `/` ending in `.` and an ASCII extension of 2-8
  letters and digits, the first a letter: `notes.txt`, `Project_Guide_1.md`, `/temp/a.csv`,
  `café.txt`, `📄plan.md`; not `growth.`, `v1.2`, `e.g.`). Punctuation and spaces (quotes
  straight or curly, NBSP, `…`, `—`, `«»`, `。`) are no name letters, so "‘notes.txt’" and
  "notes.txt…" hold `notes.txt`. A value *is* a file name when the pattern matches it whole.
- *Arguments* (specialist.json `previous_files`, chosen from the training answers): candidates are
  the (tool, key) pairs with a `"type": "string"` schema whose non-empty string values are file
  names in at least `MIN_SHARE` of the training calls that write them and at least `MIN_COUNT`
  times; the fill is applied to each training answer's own calls, and a candidate is listed when
  the value it fills equals the answer's in at least `MIN_SHARE` of the calls it fills and at
  least `MIN_COUNT` times (specialist.json keeps the counts of the listed ones).
- *Fill* (after every other fill: the last word on a file the question does not name): when the
  question has no file name, each call of a tool the answer calls once that writes a listed key
  (not as null or "", and not as a quoted span of the question that no other argument of the
  call holds: 'README' names a file without an extension) gets the latest value under that key
  of the memory (`remembered_keys`' rule) of the conversation followed by the answer's calls
  before it, as the fill received them, typed by the tool's schema as a slot is; a key nothing
  remembered keeps its value. Arguments the answer does not write are not added.
  Known limits: files are remembered by key, so after `mv a.txt b.txt` (keys `source`,
  `destination`) "append 'x' to it" gets a.txt; an unquoted name without an extension ("into
  main.c") is no file name, so the model's value there is replaced too.
"""

from __future__ import annotations

import re
from collections import Counter

from .named_values import quoted_spans
from .remembered_keys import MIN_COUNT, MIN_SHARE, _properties, _property_schema, _same, memory
from .retrieval import query_text
from .slots import coerce

FEATURE = "previous_files"
# A file name: name letters, digits, `_`, `.`, `-`, `/` (a path), then `.` and an ASCII extension of
# 2-8 letters and digits starting with a letter; not inside a longer word (no name letter, `.` or
# `-` right before it, no name letter, `/` or `-` and no `.` + name letter right after). Two
# letters at least, so "e.g." and "U.S." are none (nor "main.c"); a sentence's last word
# ("growth.") has no extension, a version ("v1.2") none starting with a letter.
# Name letters are code point ranges (Python's `re` and ICU agree on them exactly, not on `\w`):
# every script's letters and symbols such as emoji ("café.txt", "📄plan.md"), but not the
# punctuation and spaces around a name: Latin-1's (NBSP, «», U+0080-U+00BF), General Punctuation
# (curly quotes, "…", "—", U+2000-U+206F), Supplemental Punctuation (U+2E00-U+2E7F), CJK Symbols
# and Punctuation ("。", U+3000-U+303F), the byte-order mark and fullwidth / halfwidth punctuation.
_NAME = (r"A-Za-z0-9_\u00C0-\u1FFF\u2070-\u2DFF\u2E80-\u2FFF\u3040-\uFEFE"
         r"\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\uFF66-\U0010FFFF")
FILE_NAME = re.compile(rf"(?<![{_NAME}.\-])[{_NAME}/][{_NAME}./\-]*\.[A-Za-z][A-Za-z0-9]{{1,7}}"
                       rf"(?![{_NAME}/\-]|\.[{_NAME}])")


def names_a_file(text: str) -> bool:
    """Whether `text` holds a file name."""
    return FILE_NAME.search(text) is not None


def is_file_name(value) -> bool:
    return isinstance(value, str) and FILE_NAME.fullmatch(value) is not None


def _quoted_alone(key: str, arguments: dict, quoted: set[str]) -> bool:
    """Whether the call's value under `key` is a quoted span of the question that no other argument
    of the call holds: a file the user named without an extension ('README', 'main.c'), kept. A
    span another argument holds ("jot down 'x' into the previous file" written as content 'x' and
    file 'x') is the model copying a slot, filled."""
    value = arguments[key]
    return isinstance(value, str) and value in quoted and all(other != value for name, other in arguments.items() if name != key)


def fills(calls: list[dict], messages: list[dict], listed: set[tuple[str, str]]) -> list[dict]:
    """Per call, {key: remembered Slot} of the listed keys the fill sets (module docstring), when
    the question names no file; [] when it names one."""
    question = query_text(messages)
    if names_a_file(question):
        return []
    quoted = {span for _, span in quoted_spans(question)}
    once = Counter(call.get("name") for call in calls)
    found = []
    for index, call in enumerate(calls):
        arguments = call.get("arguments") if isinstance(call.get("arguments"), dict) else {}
        keys = [key for key, value in arguments.items()
                if (call.get("name"), key) in listed and value not in (None, "")
                and not _quoted_alone(key, arguments, quoted)]
        remembered = memory(messages + [{"role": "assistant", "tool_calls": calls[:index]}]) \
            if keys and once[call.get("name")] == 1 else {}
        found.append({key: remembered[key] for key in keys if key in remembered})
    return found


def fill(response: dict, messages: list[dict], arguments: list[dict], tools: list[dict]) -> dict:
    """The restored response with each listed argument of a once-called tool set to the previous
    file, when the question names no file (module docstring)."""
    if not arguments or not response.get("tool_calls"):
        return response
    listed = {(rule["tool"], rule["key"]) for rule in arguments}
    calls = response["tool_calls"]
    filled = []
    for call, slots in zip(calls, fills(calls, messages, listed) or [{}] * len(calls)):
        written = call.get("arguments")
        if slots:
            written = {key: coerce(slots[key], _property_schema(tools, call.get("name"), key)) if key in slots
                       else value for key, value in written.items()}
        filled.append({**call, "arguments": written})
    return {**response, "tool_calls": filled}


def _candidates(examples, tools: list[dict]) -> set[tuple[str, str]]:
    """String (tool, key) pairs whose non-empty training values are file names (module docstring)."""
    counts: dict[tuple[str, str], list[int]] = {}
    for example in examples:
        for call in example.target.get("tool_calls") or []:
            arguments = call.get("arguments") if isinstance(call.get("arguments"), dict) else {}
            for key, value in arguments.items():
                schema = _properties(tools, call.get("name")).get(key)
                if isinstance(value, str) and value and isinstance(schema, dict) and schema.get("type") == "string":
                    tally = counts.setdefault((str(call.get("name")), key), [0, 0])
                    tally[0] += is_file_name(value)
                    tally[1] += 1
    return {pair for pair, (files, seen) in counts.items() if files >= MIN_COUNT and files >= MIN_SHARE * seen}


def choose(examples, tools: list[dict]) -> dict:
    """The arguments whose previous file is the training answers' value (module docstring), with the
    counts that chose them: {"arguments": [{"tool", "key"}], "counts": {"tool.key": [right, filled]}}."""
    candidates = _candidates(examples, tools)
    counts: dict[tuple[str, str], list[int]] = {}
    for example in examples:
        calls = example.target.get("tool_calls") or []
        for call, slots in zip(calls, fills(calls, example.messages, candidates)):
            for key, slot in slots.items():
                tally = counts.setdefault((str(call.get("name")), key), [0, 0])
                tally[0] += _same(coerce(slot, _property_schema(tools, call.get("name"), key)), call["arguments"][key])
                tally[1] += 1
    listed = sorted(pair for pair, (right, seen) in counts.items() if right >= MIN_COUNT and right >= MIN_SHARE * seen)
    return {"arguments": [{"tool": tool, "key": key} for tool, key in listed],
            "counts": {f"{tool}.{key}": counts[(tool, key)] for tool, key in listed}}
