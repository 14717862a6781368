"""The exact bytes the official SDKs (openai, anthropic) send for a request body.

Recorded exchanges keep request bodies byte for byte, so the label key is the SHA-256 of what the
SDK puts on the wire. The SDKs re-serialize `create(**body)` (their own top-level key order,
compact separators, `ensure_ascii=False`), so we learn the order by running the SDK itself
against an in-memory transport, serialize the same way, and check the result against the SDK's
real output for a sample of requests (all of them in small workloads). `drive.py` checks every
request it sends again.
"""

from __future__ import annotations

import hashlib
import json

import anthropic
import httpx
import httpx2  # the anthropic SDK's HTTP client package
import openai

from .requests import CHAT, MESSAGES

_COMPLETION = {
    "id": "chatcmpl-capture", "object": "chat.completion", "created": 0, "model": "capture",
    "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": ""}}],
}
_MESSAGE = {
    "id": "msg_capture", "type": "message", "role": "assistant", "model": "capture", "content": [],
    "stop_reason": "end_turn", "stop_sequence": None, "usage": {"input_tokens": 0, "output_tokens": 0},
}


class WireCapture:
    """Serializes request bodies through real SDK clients without any network."""

    def __init__(self) -> None:
        self.sent: list = []  # httpx.Request or httpx2.Request
        self._orders: dict[tuple, tuple[str, list[str]]] = {}
        self.openai = openai.OpenAI(base_url="http://workload.invalid/v1", api_key="sk-test-workload",
                                    http_client=httpx.Client(transport=httpx.MockTransport(self._answer_openai)),
                                    max_retries=0)
        self.anthropic = anthropic.Anthropic(
            base_url="http://workload.invalid", api_key="sk-ant-test-workload", max_retries=0,
            http_client=httpx2.Client(transport=httpx2.MockTransport(self._answer_anthropic)))

    def _answer_openai(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        if json.loads(request.content).get("stream"):
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=b"")
        return httpx.Response(200, json=_COMPLETION)

    def _answer_anthropic(self, request):
        self.sent.append(request)
        if json.loads(request.content).get("stream"):
            return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=b"")
        return httpx2.Response(200, json=_MESSAGE)

    def sdk_bytes(self, body: dict, api: str = CHAT) -> tuple[str, bytes]:
        """(path, body bytes) as the SDK sends `client.chat.completions.create(**body)` (or messages)."""
        self.sent.clear()
        if api == MESSAGES:
            result = self.anthropic.messages.create(**body)
        else:
            result = self.openai.chat.completions.create(**body)
        if body.get("stream"):
            result.close()
        request = self.sent[-1]
        return request.url.path, bytes(request.content)

    def fast_bytes(self, body: dict, api: str = CHAT) -> tuple[str, bytes]:
        """The same bytes as `sdk_bytes`, without the SDK's (slow) per-request transform.

        The SDKs keep nested member order and only fix the order of top-level keys, which
        depends on which keys are present; it is learned once per key set from a small body.
        """
        keys = (api, *body)
        if keys not in self._orders:
            probe = dict(body)
            probe["messages"] = body["messages"][:1]
            if "tools" in body:
                probe["tools"] = body["tools"][:1]
            path, data = self.sdk_bytes(probe, api)
            self._orders[keys] = (path, list(json.loads(data)))
        path, order = self._orders[keys]
        ordered = {key: body[key] for key in order}
        return path, json.dumps(ordered, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
