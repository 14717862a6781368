"""The mock-upstream script (docs/formats.md "Mock-upstream script") and a model of its matching.

Every request must be answered with exactly its own expected answer. Entries match on
path + model + first_user + last_user + user_turns; where requests share those but expect
different answers, `contains` adds a substring only that request's raw body has (a tool call id
from its history, or the name of an offered tool). `resolve` replays the mock's rule — the first
entry whose match holds, entries with more match fields first — over every request, so the
generator and the tests can prove it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass
class WireRequest:
    """A request as the mock sees it: path, parsed body and raw body text."""

    path: str
    body: dict
    raw: str


def user_texts(body: dict) -> list[str]:
    """Texts of the user messages that carry text (multi-part text joined with "\\n")."""
    texts = []
    for message in body.get("messages", []):
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, list):
            content = "\n".join(part.get("text", "") for part in content if isinstance(part, dict)
                                and part.get("type") == "text")
        if isinstance(content, str) and content:
            texts.append(content)
    return texts


def base_match(request: WireRequest) -> dict:
    texts = user_texts(request.body)
    return {"path": request.path, "model": request.body.get("model"),
            "first_user": texts[0] if texts else "", "last_user": texts[-1] if texts else "",
            "user_turns": len(texts)}


def holds(match: dict, request: WireRequest) -> bool:
    """Whether every field of `match` holds for the request (the mock's rule)."""
    texts = user_texts(request.body)
    for key, value in match.items():
        if key == "path" and request.path.split("?", 1)[0] != value:
            return False
        if key == "model" and request.body.get("model") != value:
            return False
        if key == "first_user" and (not texts or texts[0] != value):
            return False
        if key == "last_user" and (not texts or texts[-1] != value):
            return False
        if key == "user_turns" and len(texts) != value:
            return False
        if key == "contains" and value not in request.raw:
            return False
    return True


def _key(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _distinguishing_substring(request: WireRequest, others: list[WireRequest]) -> str | None:
    """A short substring of this request's raw body that none of `others` contains.

    Tried in order: tool call ids from the history (unique per conversation), then the names of
    the offered tools (single-turn entries that share a question but not their functions).
    """
    ids = []
    for message in request.body.get("messages", []):
        ids.extend(call["id"] for call in message.get("tool_calls") or [])  # OpenAI
        if isinstance(message.get("content"), list):  # Anthropic tool_use blocks
            ids.extend(block["id"] for block in message["content"] if block.get("type") == "tool_use")
    names = [tool.get("function", {}).get("name") or tool.get("name", "") for tool in request.body.get("tools", [])]
    candidates = [*reversed(ids), *(n for n in names if n), *(f'"name":"{n}"' for n in names if n)]
    for candidate in candidates:
        if all(candidate not in other.raw for other in others):
            return candidate
    return None


class ScriptConflict(ValueError):
    """Requests the mock cannot tell apart expect different answers.

    `losers` are the positions (in the list given to `build_script`) of the requests that lose:
    every unmarked request whose answer differs from the first unmarked answer of its group.
    """

    def __init__(self, message: str, losers: list[int]):
        super().__init__(message)
        self.losers = losers


def build_script(requests: list[tuple[WireRequest, dict]]) -> list[dict]:
    """Script entries for (request, expected answer) pairs, most specific first."""
    groups: dict[str, list[tuple[WireRequest, dict]]] = {}
    positions: dict[int, int] = {}
    for index, (request, expected) in enumerate(requests):
        positions[id(request)] = index
        groups.setdefault(_key(base_match(request)), []).append((request, expected))
    specific, general, losers, example = [], [], [], ""
    for members in groups.values():
        answers = {_key(expected) for _, expected in members}
        match = base_match(members[0][0])
        if len(answers) == 1:
            general.append({"match": match, "response": members[0][1]})
            continue
        seen, unmarked = set(), {}
        for request, expected in members:
            others = [r for r, e in members if _key(e) != _key(expected)]
            marker = _distinguishing_substring(request, others)
            if marker is None:
                if unmarked and _key(expected) not in unmarked:
                    losers.append(positions[id(request)])
                    example = example or match["first_user"][:60]
                else:
                    unmarked[_key(expected)] = expected
                continue
            entry = {"match": {**match, "contains": marker}, "response": expected}
            if _key(entry) not in seen:
                seen.add(_key(entry))
                specific.append(entry)
        # The one answer without a marker is the fallback: the marked entries are tried first.
        for expected in unmarked.values():
            general.append({"match": match, "response": expected})
    if losers:
        raise ScriptConflict(f"{len(losers)} requests (e.g. user text {example!r}...) cannot be told apart from "
                             "others that expect different answers", losers)
    return specific + general


class Resolver:
    """The mock's matching rule over a whole script, indexed for speed (same answers as `resolve`)."""

    def __init__(self, script: list[dict]):
        ordered = sorted(enumerate(script), key=lambda item: (-len(item[1]["match"]), item[0]))
        self._by_user: dict[tuple, list[tuple[int, dict]]] = {}
        self._unindexed: list[tuple[int, dict]] = []
        for rank, (_, entry) in enumerate(ordered):
            match = entry["match"]
            if "first_user" in match and "user_turns" in match:
                self._by_user.setdefault((match["first_user"], match["user_turns"]), []).append((rank, entry))
            else:
                self._unindexed.append((rank, entry))

    def resolve(self, request: WireRequest) -> dict | None:
        texts = user_texts(request.body)
        key = (texts[0] if texts else "", len(texts))
        candidates = sorted(self._by_user.get(key, []) + self._unindexed, key=lambda item: item[0])
        for _, entry in candidates:
            if holds(entry["match"], request):
                return entry["response"]
        return None


def resolve(script: list[dict], request: WireRequest) -> dict | None:
    """The response the mock answers `request` with, or None when no entry matches.

    The first entry whose match holds, entries with more match fields first (stable otherwise).
    """
    ordered = sorted(script, key=lambda entry: -len(entry["match"]))
    for entry in ordered:
        if holds(entry["match"], request):
            return entry["response"]
    return None
