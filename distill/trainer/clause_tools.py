"""Prompt feature `clause_tools`: an answer's calls keep to the tools its question's clauses ask for.

For clusters whose requests bring their own tools (the BFCL generic agent), a 1.5 M-parameter
model trained from scratch picks the wrong tool for most of its misses on requests that list
several tools: it cannot read a tool's name and description. all-MiniLM-L6-v2 (shipped with
Understudy) can: the tool whose "name: description" embeds nearest to each clause of the question
is one the answer calls (BFCL generic, training answers: the set of tools chosen by the clauses
equals the set the answer calls in 132 of 140 `multiple` requests and 108 of 134
`parallel_multiple` ones; distill/MEASUREMENTS.md).

The rule (PROMPT_FORMAT.md, "Prompt features"), decoding only, the prompt is unchanged:
- the question is the content of the request's last user message; its *words* are its runs of
  characters other than ASCII whitespace; a new *clause* starts at a word that follows a word
  ending in `.`, `?`, `!` or `;`, or at a word that, ASCII-lowercased with trailing commas removed,
  is one of `CLAUSE_WORDS`; a clause's text is its words joined by one space; clauses of fewer than
  3 words are dropped, and when none is left the whole question (its words joined) is one clause;
- a tool's text is its name with `_` and `.` written as spaces, `: `, and its description;
- each clause picks the tool whose text's embedding has the highest dot product (double precision)
  with the clause's embedding, ties to the earlier tool;
- when the request lists at least 2 tools, every call of the answer names a tool some clause
  picked (the model still chooses among them, the number of calls and the arguments; a text
  answer stays free).
"""

from __future__ import annotations

import re

import numpy as np

from .retrieval import query_text

from .prompt import escape

FEATURE = "clause_tools"
# Companion feature: a question that matches none of its tools is answered with text.
UNMATCHED_TEXT = "unmatched_text"
THRESHOLDS = (0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05)
MAX_CALLS_BELOW = 0.005
CLAUSE_WORDS = ("then", "also", "lastly", "finally", "additionally")
MIN_CLAUSE_WORDS = 3
_WHITESPACE = re.compile(r"[ \t\n\r\v\f]+")


def _ascii_lower(word: str) -> str:
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in word)


def clauses(question: str) -> list[str]:
    """The question's clauses (module docstring); empty when it has no words."""
    words = [w for w in _WHITESPACE.split(question) if w]
    if not words:
        return []
    parts: list[list[str]] = [[]]
    for word in words:
        if parts[-1] and (parts[-1][-1][-1] in ".?!;" or _ascii_lower(word).rstrip(",") in CLAUSE_WORDS):
            parts.append([])
        parts[-1].append(word)
    kept = [" ".join(p) for p in parts if len(p) >= MIN_CLAUSE_WORDS]
    return kept or [" ".join(words)]


def tool_text(tool: dict) -> str:
    """What is embedded for a tool: its name's words and its description."""
    name = str(tool.get("name") or "").replace("_", " ").replace(".", " ")
    return name + ": " + str(tool.get("description") or "")


def picked_tools(question: str, tools: list[dict], embed) -> list[str]:
    """The names (in `tools` order) of the tools the question's clauses pick; empty (nothing
    restricted) when the request lists fewer than 2 tools or the question has no words.
    `embed(texts)`: L2-normalised sentence embeddings, one row per text (retrieval.Embedder.embed)."""
    parts = clauses(question)
    if len(tools) < 2 or not parts:
        return []
    tool_rows = np.asarray(embed([tool_text(t) for t in tools]), dtype=np.float64)
    clause_rows = np.asarray(embed(parts), dtype=np.float64)
    chosen = set()
    for row in clause_rows:
        scores = (tool_rows * row).sum(axis=1)
        chosen.add(int(np.argmax(scores)))  # argmax takes the first of equal scores
    return [str(tools[i].get("name")) for i in sorted(chosen)]


def best_score(question: str, tools: list[dict], embed) -> float | None:
    """The highest dot product (double precision) between the question's embedding (its text as
    written) and a tool text's; None when no tool is listed or the question is empty."""
    if not tools or not question:
        return None
    rows = np.asarray(embed([question] + [tool_text(t) for t in tools]), dtype=np.float64)
    return float(max((rows[1:] * rows[0]).sum(axis=1)))


def choose_threshold(examples, tools_of, embed) -> dict | None:
    """`unmatched_text`'s threshold from the training examples: the highest of `THRESHOLDS` below
    which at most 0.5% of the tool-call answers' questions score (and at least one text answer's),
    with the counts; None when no threshold qualifies."""
    calls, texts = [], []
    for example in examples:
        score = best_score(query_text(example.messages), tools_of(example) or [], embed)
        if score is not None:
            (calls if example.target.get("tool_calls") else texts).append(score)
    for threshold in THRESHOLDS:
        calls_below = sum(s < threshold for s in calls)
        texts_below = sum(s < threshold for s in texts)
        if calls and calls_below <= MAX_CALLS_BELOW * len(calls) and texts_below:
            return {"threshold": threshold, "calls_below": calls_below, "calls": len(calls),
                    "texts_below": texts_below, "texts": len(texts)}
    return None


def banned_name_slots(tokenizer, slots, tools: list[dict], picked: list[str]) -> list[int]:
    """Token ids evaluate.py must not generate for a prompt whose question picked `picked`: the
    name slots of the other listed tools (request-tools prompts name a call's tool by its slot).
    evaluate.py bans them everywhere in the answer, the Swift constraint only where a call's name
    stands; they differ only when the question writes a tool's name verbatim."""
    if not picked:
        return []
    vocabulary = tokenizer.get_vocab()
    banned = []
    for tool in tools:
        name = str(tool.get("name"))
        index = slots.find_name(escape(name)) if name not in picked else None
        if index is not None and f"<S{index}>" in vocabulary:
            banned.append(vocabulary[f"<S{index}>"])
    return banned
