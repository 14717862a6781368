"""The exact bytes the official openai SDK sends for a request body.

Recorded exchanges keep request bodies byte for byte, so the label key is the SHA-256 of what the
SDK puts on the wire. The SDK re-serializes `create(**body)` (its own top-level key order,
compact separators, `ensure_ascii=False`), so we learn its order by running the SDK itself
against an in-memory transport, serialize the same way, and check the result against the SDK's
real output for a sample of requests (all of them in small workloads). `drive.py` checks every
request it sends again.
"""

from __future__ import annotations

import hashlib
import json

import httpx
import openai

CHAT_PATH = "/v1/chat/completions"

_COMPLETION = {
    "id": "chatcmpl-capture", "object": "chat.completion", "created": 0, "model": "capture",
    "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": ""}}],
}


class WireCapture:
    """Serializes chat bodies through a real `openai.OpenAI` client without any network."""

    def __init__(self) -> None:
        self.sent: list[httpx.Request] = []
        self._orders: dict[tuple, tuple[str, list[str]]] = {}
        transport = httpx.MockTransport(self._answer)
        self.client = openai.OpenAI(base_url="http://workload.invalid/v1", api_key="sk-test-workload",
                                    http_client=httpx.Client(transport=transport), max_retries=0)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        if json.loads(request.content).get("stream"):
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=b"data: [DONE]\n\n")
        return httpx.Response(200, json=_COMPLETION)

    def fast_bytes(self, body: dict) -> tuple[str, bytes]:
        """The same bytes as `chat_bytes`, without the SDK's (slow) per-request transform.

        The SDK keeps nested member order and only fixes the order of top-level keys, which
        depends on which keys are present; it is learned once per key set from a small body.
        """
        keys = tuple(body)
        if keys not in self._orders:
            probe = dict(body)
            probe["messages"] = body["messages"][:1]
            if "tools" in body:
                probe["tools"] = body["tools"][:1]
            path, data = self.chat_bytes(probe)
            self._orders[keys] = (path, list(json.loads(data)))
        path, order = self._orders[keys]
        ordered = {key: body[key] for key in order}
        return path, json.dumps(ordered, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()

    def chat_bytes(self, body: dict) -> tuple[str, bytes]:
        """(path, body bytes) as the SDK sends `client.chat.completions.create(**body)`."""
        self.sent.clear()
        result = self.client.chat.completions.create(**body)
        if body.get("stream"):
            for _ in result:
                pass
        request = self.sent[-1]
        return request.url.path, bytes(request.content)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
