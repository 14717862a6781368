"""Replays requests.jsonl as the agents would: conversations in parallel, turns in order.

Requests go through the official SDKs like a real agent: openai's
`client.chat.completions.create(**body)`, or anthropic's `client.messages.create(**body)` for
`api: messages`, streams consumed through the SDK. An httpx request hook hashes the bytes the SDK
actually sends, so the report can say whether every recorded body will join its label.
"""

from __future__ import annotations

import hashlib
import queue
import sys
import threading
import time
from dataclasses import dataclass, field

import anthropic
import httpx
import httpx2  # the anthropic SDK's HTTP client package
import openai

from .compare import AnswerError, AnthropicStreamAssembler, StreamAssembler, agrees, from_completion, from_message

ROUTE_HEADER = "x-understudy-route"


@dataclass
class DriveConfiguration:
    base_url: str  # e.g. http://127.0.0.1:8080 (the OpenAI SDK's /v1 is added when missing)
    concurrency: int = 16
    rate: float | None = None  # requests per second over all conversations; None = as fast as answered
    timeout: float = 120.0
    api_key: str = "sk-test-workload"
    anthropic_api_key: str = "sk-ant-test-workload"
    progress_every: float = 0.0  # seconds between progress lines on stderr; 0 = quiet


class _Pacer:
    """Spaces request starts evenly at `rate` per second across all workers."""

    def __init__(self, rate: float | None):
        self.interval = 1.0 / rate if rate else 0.0
        self.next = time.perf_counter()
        self.lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self.lock:
            slot = max(self.next, time.perf_counter())
            self.next = slot + self.interval
        delay = slot - time.perf_counter()
        if delay > 0:
            time.sleep(delay)


@dataclass
class _Sent:
    local: threading.local = field(default_factory=threading.local)

    def hook(self, request: httpx.Request) -> None:
        self.local.sha256 = hashlib.sha256(request.content).hexdigest()
        self.local.path = request.url.path


def base_url_v1(base_url: str) -> str:
    url = base_url.rstrip("/")
    return url if url.endswith("/v1") else url + "/v1"


def base_url_root(base_url: str) -> str:
    """The anthropic SDK adds /v1/messages itself."""
    url = base_url.rstrip("/")
    return url[:-3] if url.endswith("/v1") else url


@dataclass
class _Clients:
    openai: openai.OpenAI
    anthropic: anthropic.Anthropic
    closers: list


def drive(requests: list[dict], config: DriveConfiguration) -> list[dict]:
    """Sends every request; returns one result per request, in requests.jsonl order."""
    sent = _Sent()
    http = httpx.Client(event_hooks={"request": [sent.hook]}, timeout=config.timeout,
                        limits=httpx.Limits(max_connections=config.concurrency,
                                            max_keepalive_connections=config.concurrency))
    http2 = httpx2.Client(event_hooks={"request": [sent.hook]}, timeout=config.timeout,
                          limits=httpx2.Limits(max_connections=config.concurrency,
                                               max_keepalive_connections=config.concurrency))
    client = _Clients(
        openai=openai.OpenAI(base_url=base_url_v1(config.base_url), api_key=config.api_key, http_client=http,
                             max_retries=0, timeout=config.timeout),
        anthropic=anthropic.Anthropic(base_url=base_url_root(config.base_url), api_key=config.anthropic_api_key,
                                      http_client=http2, max_retries=0, timeout=config.timeout),
        closers=[http, http2])
    conversations: dict[str, list[int]] = {}
    for index, request in enumerate(requests):
        conversations.setdefault(request["conversation"], []).append(index)
    work: queue.Queue = queue.Queue()
    for indexes in conversations.values():
        work.put(indexes)
    results: list[dict | None] = [None] * len(requests)
    pacer = _Pacer(config.rate)

    def worker() -> None:
        while True:
            try:
                indexes = work.get_nowait()
            except queue.Empty:
                return
            for index in indexes:
                pacer.wait()
                results[index] = send_one(client, sent, requests[index], index)

    finished = threading.Event()

    def progress() -> None:
        while not finished.wait(config.progress_every):
            done = [r for r in results if r is not None]
            errors = sum(1 for r in done if r["error"])
            print(f"drive: {len(done)}/{len(requests)} answered, {errors} errors", file=sys.stderr, flush=True)

    workers = [threading.Thread(target=worker, daemon=True) for _ in range(max(1, config.concurrency))]
    if config.progress_every > 0:
        threading.Thread(target=progress, daemon=True).start()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    finished.set()
    for closer in client.closers:
        closer.close()
    return [r for r in results if r is not None]


def send_one(client: _Clients, sent: _Sent, request: dict, index: int) -> dict:
    result = {"index": index, "agent": request["agent"], "task": request["task"],
              "conversation": request["conversation"], "turn": request["turn"], "stream": request["stream"],
              "status": None, "latency_ms": None, "first_chunk_ms": None, "route": None, "agree": False,
              "body_sha256_ok": None, "error": None}
    api = request.get("api", "chat.completions")
    if api not in ("chat.completions", "messages"):
        result["error"] = f"unsupported api {api!r}"
        return result
    sent.local.sha256 = None
    start = time.perf_counter()
    try:
        if api == "messages":
            raw = client.anthropic.messages.with_raw_response.create(**request["body"])
            assembler, single = AnthropicStreamAssembler(), from_message
        else:
            raw = client.openai.chat.completions.with_raw_response.create(**request["body"])
            assembler, single = StreamAssembler(), from_completion
        result["status"] = raw.http_response.status_code
        result["route"] = raw.headers.get(ROUTE_HEADER)
        if request["stream"]:
            for chunk in raw.parse():
                if assembler.chunks == 0:
                    result["first_chunk_ms"] = (time.perf_counter() - start) * 1000
                assembler.add(chunk)
            answer = assembler.answer()
        else:
            answer = single(raw.parse())
        result["latency_ms"] = (time.perf_counter() - start) * 1000
        result["agree"] = agrees(answer, request["expected"])
        if not result["agree"]:
            result["answer"] = answer
    except (openai.APIStatusError, anthropic.APIStatusError) as error:
        result["status"] = error.status_code
        result["error"] = f"HTTP {error.status_code}: {str(error.message)[:300]}"
    except (openai.APIError, anthropic.APIError) as error:  # connection errors, timeouts, bad responses
        result["error"] = f"{type(error).__name__}: {str(error)[:300]}"
    except AnswerError as error:
        result["error"] = str(error)
    if result["latency_ms"] is None:
        result["latency_ms"] = (time.perf_counter() - start) * 1000
    if sent.local.sha256 is not None and request.get("body_sha256"):
        result["body_sha256_ok"] = sent.local.sha256 == request["body_sha256"]
    return result
