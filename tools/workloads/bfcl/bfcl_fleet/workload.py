"""Builds the whole workload in memory: sampled BFCL entries → requests, script, labels, summary."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from importlib import metadata

from .agents import AGENTS, MULTI_TURN_VARIANTS, SINGLE_TURN_CATEGORIES, load_category
from .conversations import Thread, multi_turn_threads, single_turn_thread
from .requests import MESSAGES, PATHS, Request, thread_requests
from .script import Resolver, ScriptConflict, WireRequest, build_script
from .wire import WireCapture, sha256_hex

FORMAT = 1
DEFAULT_VARIANTS = ("multi_turn_base", "multi_turn_miss_param")
FULL_CHECK_LIMIT = 400  # workloads up to this size check every body against the real SDK
SAMPLE_EVERY = 10  # larger ones check every tenth


@dataclass
class Settings:
    seed: int = 7
    model: str = "gpt-4o-mini"
    conversations: int | None = None  # BFCL entries to use in all; None = every entry
    variants: tuple[str, ...] = DEFAULT_VARIANTS
    stream_share: float = 0.3
    anthropic_agents: tuple[str, ...] = ()  # agents that talk to the Anthropic Messages API instead
    anthropic_model: str = "claude-3-5-haiku-latest"


@dataclass
class Workload:
    requests: list[dict] = field(default_factory=list)
    labels: list[dict] = field(default_factory=list)
    script: list[dict] = field(default_factory=list)
    summary: dict = field(default_factory=dict)


def _allocate(total: int, sizes: dict[str, int]) -> dict[str, int]:
    """Splits `total` over pools proportionally to their sizes (largest remainder), at least 1 each."""
    whole = sum(sizes.values())
    if total >= whole:
        return dict(sizes)
    shares = {k: total * v / whole for k, v in sizes.items()}
    counts = {k: max(1, int(s)) for k, s in shares.items()}
    for k in sorted(sizes, key=lambda k: shares[k] - int(shares[k]), reverse=True):
        if sum(counts.values()) >= total:
            break
        counts[k] += 1
    return {k: min(c, sizes[k]) for k, c in counts.items()}


def _sample(entries: list[dict], count: int, rng: random.Random, group) -> list[dict]:
    """`count` entries, round-robin over groups (so every suite combination shows up), seeded."""
    buckets: dict[str, list[dict]] = {}
    for entry in entries:
        buckets.setdefault(group(entry), []).append(entry)
    for key in sorted(buckets):
        rng.shuffle(buckets[key])
    order = sorted(buckets)
    rng.shuffle(order)
    chosen = []
    while len(chosen) < count:
        for key in order:
            if buckets[key] and len(chosen) < count:
                chosen.append(buckets[key].pop())
    position = {id(entry): index for index, entry in enumerate(entries)}
    return sorted(chosen, key=lambda entry: position[id(entry)])


def build(settings: Settings) -> Workload:
    unknown = [v for v in settings.variants if v not in MULTI_TURN_VARIANTS]
    if unknown:
        raise ValueError(f"unknown multi-turn variants {unknown}; use some of {list(MULTI_TURN_VARIANTS)}")
    rng = random.Random(settings.seed)
    pools = {category: load_category(category) for category in (*settings.variants, *SINGLE_TURN_CATEGORIES)}
    counts = _allocate(settings.conversations or 10**9, {k: len(v) for k, v in pools.items()})
    threads: list[Thread] = []
    for category, entries in pools.items():
        if category.startswith("multi_turn"):
            group = lambda e: ",".join(sorted(e["involved_classes"]))  # noqa: E731
        else:
            group = lambda e: e["id"]  # noqa: E731
        for entry in _sample(entries, counts[category], rng, group):
            if category.startswith("multi_turn"):
                threads.extend(multi_turn_threads(entry, category))
            else:
                threads.append(single_turn_thread(entry, category))
    requests, excluded = _requests_without_conflicts(threads, settings)
    workload = _assemble(requests, settings)
    workload.summary["excluded_bfcl_entries"] = sorted(excluded)
    return workload


def _requests_without_conflicts(threads: list[Thread], settings: Settings) -> tuple[list[Request], set[str]]:
    """Requests in send order, leaving out BFCL entries the mock could not tell from others.

    BFCL has a few questions that appear in two entries with different ground truths (e.g. the
    same first turn in multi_turn_base and multi_turn_miss_param). Identical requests cannot get
    different answers from a mock, so the entry of the later category (in `variants` order, then
    the single-turn categories) is left out.
    """
    excluded: set[str] = set()
    for _ in range(10):
        rng = random.Random(settings.seed * 7919 + 1)
        kept = [thread for thread in threads if thread.bfcl_id not in excluded]
        rng.shuffle(kept)
        requests: list[Request] = []
        for thread in kept:
            if thread.agent in settings.anthropic_agents:
                requests.extend(thread_requests(thread, settings.anthropic_model, settings.seed, rng,
                                                settings.stream_share, api=MESSAGES))
            else:
                requests.extend(thread_requests(thread, settings.model, settings.seed, rng, settings.stream_share))
        # Earlier categories win conflicts: multi_turn_base over multi_turn_miss_param, and so on.
        rank = {category: index for index, category in enumerate((*settings.variants, *SINGLE_TURN_CATEGORIES))}
        order = sorted(range(len(requests)), key=lambda i: rank[requests[i].category])
        draft = [(WireRequest(path=PATHS[requests[i].api], body=requests[i].body, raw=_compact(requests[i].body)),
                  requests[i].expected) for i in order]
        try:
            build_script(draft)
            return requests, excluded
        except ScriptConflict as conflict:
            excluded |= {requests[order[i]].bfcl_id for i in conflict.losers}
    raise AssertionError("could not make the mock script unambiguous")


def _compact(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def _assemble(requests: list[Request], settings: Settings) -> Workload:
    capture = WireCapture()
    workload = Workload()
    wire: list[tuple[WireRequest, dict]] = []
    label_of: dict[str, tuple] = {}
    every = 1 if len(requests) <= FULL_CHECK_LIMIT else SAMPLE_EVERY
    for index, request in enumerate(requests):
        path, data = capture.fast_bytes(request.body, request.api)
        if index % every == 0 and capture.sdk_bytes(request.body, request.api) != (path, data):
            raise AssertionError(f"{request.conversation} turn {request.turn}: the installed {request.api} SDK "
                                 "serializes this body differently from wire.WireCapture.fast_bytes; update wire.py")
        body = json.loads(data)
        digest = sha256_hex(data)
        label = (request.agent, request.task)
        if label_of.setdefault(digest, label) != label:
            raise AssertionError(f"body {digest} is sent by two agents/tasks: {label_of[digest]} and {label}")
        workload.requests.append({
            "agent": request.agent, "task": request.task, "conversation": request.conversation,
            "turn": request.turn, "api": request.api, "stream": request.stream, "path": path,
            "body_sha256": digest, "body": body, "expected": request.expected,
        })
        workload.labels.append({
            "body_sha256": digest, "agent": request.agent, "task": request.task, "category": request.category,
            "conversation": request.conversation, "turn": request.turn, "bfcl_id": request.bfcl_id,
            "function": request.function, "api": request.api, "stream": request.stream,
        })
        wire.append((WireRequest(path=path, body=body, raw=data.decode()), request.expected))
    workload.script = build_script(wire)
    resolver = Resolver(workload.script)
    for index, (request, expected) in enumerate(wire):
        answer = resolver.resolve(request)
        if answer != expected:
            meta = workload.requests[index]
            raise AssertionError(f"mock script answers {meta['conversation']} turn {meta['turn']} with {answer}, "
                                 f"expected {expected}")
    workload.summary = _summary(workload, settings)
    return workload


def _summary(workload: Workload, settings: Settings) -> dict:
    agents = {}
    for request in workload.requests:
        stats = agents.setdefault(request["agent"], {"conversations": set(), "requests": 0, "streamed": 0,
                                                     "tool_call_answers": 0, "text_answers": 0, "body_bytes": 0,
                                                     "apis": set()})
        stats["apis"].add(request["api"])
        stats["conversations"].add(request["conversation"])
        stats["requests"] += 1
        stats["streamed"] += request["stream"]
        stats["tool_call_answers" if request["expected"]["tool_calls"] else "text_answers"] += 1
        stats["body_bytes"] += len(_compact(request["body"]).encode())
    per_agent = {}
    for name in AGENTS:
        if name in agents:
            s = agents[name]
            per_agent[name] = {"api": ",".join(sorted(s["apis"])),
                               "conversations": len(s["conversations"]), "requests": s["requests"],
                               "streamed": s["streamed"], "tool_call_answers": s["tool_call_answers"],
                               "text_answers": s["text_answers"],
                               "mean_body_bytes": round(s["body_bytes"] / s["requests"])}
    return {
        "format": FORMAT, "seed": settings.seed, "model": settings.model,
        "bfcl_eval_version": metadata.version("bfcl-eval"),
        "categories": [*settings.variants, *SINGLE_TURN_CATEGORIES],
        "requests": len(workload.requests),
        "conversations": len({r["conversation"] for r in workload.requests}),
        "streamed": sum(r["stream"] for r in workload.requests),
        "apis": {api: sum(r["api"] == api for r in workload.requests) for api in sorted({r["api"] for r in
                                                                                         workload.requests})},
        "distinct_bodies": len({r["body_sha256"] for r in workload.requests}),
        "script_entries": len(workload.script),
        "script_entries_with_contains": sum("contains" in e["match"] for e in workload.script),
        "agents": per_agent,
    }
