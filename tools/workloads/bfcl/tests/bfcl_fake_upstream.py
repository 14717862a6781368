"""A tiny OpenAI Chat Completions + Anthropic Messages server for tests, answering from a script.

Speaks the same wire formats as the real services: JSON responses, or SSE with content and
tool-call argument deltas split over several events (OpenAI: ending with a usage chunk when asked
and `data: [DONE]`; Anthropic: message_start … content_block_* … message_stop).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bfcl_fleet.script import Resolver, WireRequest


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # clients closing idle keep-alive connections
        pass


class FakeUpstream:
    def __init__(self, script: list[dict], route: str | None = None, fail_every: int | None = None):
        self.resolver = Resolver(script)
        self.route = route
        self.fail_every = fail_every
        self.bodies: list[bytes] = []
        self.lock = threading.Lock()
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("content-length", "0")))
                with upstream.lock:
                    upstream.bodies.append(raw)
                    count = len(upstream.bodies)
                body = json.loads(raw)
                if upstream.fail_every and count % upstream.fail_every == 0:
                    return self._json(500, {"error": {"message": "injected failure", "type": "server_error"}})
                answer = upstream.resolver.resolve(WireRequest(path=self.path, body=body, raw=raw.decode()))
                if answer is None:
                    return self._json(404, {"error": {"message": "no script entry matches", "type": "not_found"}})
                anthropic = self.path.endswith("/messages")
                if body.get("stream"):
                    return self._stream(body, answer, anthropic)
                render = message if anthropic else completion
                return self._json(200, render(body["model"], answer))

            def _headers(self, status, content_type, length=None):
                self.send_response(status)
                self.send_header("content-type", content_type)
                if upstream.route:
                    self.send_header("x-understudy-route", upstream.route)
                if length is not None:
                    self.send_header("content-length", str(length))
                else:
                    self.send_header("transfer-encoding", "chunked")
                self.end_headers()

            def _json(self, status, payload):
                data = json.dumps(payload).encode()
                self._headers(status, "application/json", len(data))
                self.wfile.write(data)

            def _stream(self, body, answer, anthropic):
                self._headers(200, "text/event-stream")
                if anthropic:
                    events = [f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in message_events(body, answer)]
                else:
                    events = [f"data: {json.dumps(c)}\n\n" for c in chunks(body, answer)] + ["data: [DONE]\n\n"]
                for event in events:
                    data = event.encode()
                    self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _tool_calls(answer):
    return [{"id": f"call_{i}", "type": "function",
             "function": {"name": c["name"], "arguments": json.dumps(c["arguments"], separators=(",", ":"))}}
            for i, c in enumerate(answer["tool_calls"])]


def completion(model, answer):
    message = {"role": "assistant", "content": answer["content"]}
    if answer["tool_calls"]:
        message["tool_calls"] = _tool_calls(answer)
    return {"id": "chatcmpl-fake", "object": "chat.completion", "created": 1, "model": model,
            "choices": [{"index": 0, "message": message,
                         "finish_reason": "tool_calls" if answer["tool_calls"] else "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}


def chunks(body, answer):
    def chunk(delta, finish=None):
        return {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1, "model": body["model"],
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    yield chunk({"role": "assistant", "content": ""})
    text = answer["content"] or ""
    for start in range(0, len(text), 7):
        yield chunk({"content": text[start:start + 7]})
    for index, call in enumerate(_tool_calls(answer)):
        arguments = call["function"]["arguments"]
        yield chunk({"tool_calls": [{"index": index, "id": call["id"], "type": "function",
                                     "function": {"name": call["function"]["name"], "arguments": ""}}]})
        for start in range(0, len(arguments), 5):
            yield chunk({"tool_calls": [{"index": index, "function": {"arguments": arguments[start:start + 5]}}]})
    yield chunk({}, "tool_calls" if answer["tool_calls"] else "stop")
    if (body.get("stream_options") or {}).get("include_usage"):
        yield {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1, "model": body["model"],
               "choices": [], "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}


def message(model, answer):
    content = [{"type": "text", "text": answer["content"]}] if answer["content"] else []
    content += [{"type": "tool_use", "id": f"toolu_{i}", "name": c["name"], "input": c["arguments"]}
                for i, c in enumerate(answer["tool_calls"])]
    return {"id": "msg_fake", "type": "message", "role": "assistant", "model": model, "content": content,
            "stop_reason": "tool_use" if answer["tool_calls"] else "end_turn", "stop_sequence": None,
            "usage": {"input_tokens": 10, "output_tokens": 5}}


def message_events(body, answer):
    whole = message(body["model"], answer)
    yield {"type": "message_start", "message": {**whole, "content": [], "stop_reason": None,
                                                 "usage": {"input_tokens": 10, "output_tokens": 1}}}
    for index, block in enumerate(whole["content"]):
        if block["type"] == "text":
            yield {"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}}
            for start in range(0, len(block["text"]), 7):
                yield {"type": "content_block_delta", "index": index,
                       "delta": {"type": "text_delta", "text": block["text"][start:start + 7]}}
        else:
            yield {"type": "content_block_start", "index": index,
                   "content_block": {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}}
            text = json.dumps(block["input"], separators=(",", ":"))
            for start in range(0, len(text), 5):
                yield {"type": "content_block_delta", "index": index,
                       "delta": {"type": "input_json_delta", "partial_json": text[start:start + 5]}}
        yield {"type": "content_block_stop", "index": index}
    yield {"type": "message_delta", "delta": {"stop_reason": whole["stop_reason"], "stop_sequence": None},
           "usage": {"output_tokens": 5}}
    yield {"type": "message_stop"}
