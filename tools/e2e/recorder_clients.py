#!/usr/bin/env python3
"""Drives `understudy record` with the official openai and anthropic SDKs and prints, for each
scenario, one JSON line: the exact request and response bytes that crossed the wire (teed by an
httpx transport), what the SDK assembled (`model_dump(mode="json")`) or the error it raised, and
stream timing. The Swift end-to-end test compares these with the archive.

Usage: recorder_clients.py BASE_URL   (BASE_URL is the recorder, e.g. http://127.0.0.1:8080)
Every scenario puts its marker ("[scenario:NAME]") in the last user message; the mock script
used by the test answers by `contains` on that marker.
"""
import base64
import json
import sys
import time

import anthropic
import httpx
import openai

SECRET_OPENAI = "sk-test-OPENAI-secret-0123456789"
SECRET_ANTHROPIC = "sk-ant-test-ANTHROPIC-secret-9876543210"


def tee_transport(module, **transport_options):
    """A transport for `module` (httpx, or httpx2 that newer anthropic SDKs use) that keeps the
    request body and every response chunk (with its arrival time) of the last call.
    `transport_options` go to the inner HTTPTransport (forward_clients.py passes the proxy)."""

    class TeeStream(module.SyncByteStream):
        def __init__(self, inner, sink):
            self.inner = inner
            self.sink = sink

        def __iter__(self):
            for chunk in self.inner:
                self.sink.append((time.monotonic(), bytes(chunk)))
                yield chunk

        def close(self):
            self.inner.close()

    class TeeTransport(module.BaseTransport):
        def __init__(self):
            self.inner = module.HTTPTransport(**transport_options)
            self.request_body = b""
            self.chunks = []
            self.status = None
            self.sent_at = 0.0

        def handle_request(self, request):
            self.request_body = request.read()
            self.chunks = []
            self.sent_at = time.monotonic()
            response = self.inner.handle_request(request)
            self.status = response.status_code
            return module.Response(
                status_code=response.status_code, headers=response.headers,
                stream=TeeStream(response.stream, self.chunks), extensions=response.extensions)

        def close(self):
            self.inner.close()

    return TeeTransport()


def marker(name):
    return f"[scenario:{name}]"


WEATHER_TOOL_OPENAI = {
    "type": "function",
    "function": {"name": "get_weather", "description": "Weather for a city",
                 "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}},
}
WEATHER_TOOL_RESPONSES = {
    "type": "function", "name": "get_weather", "description": "Weather for a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}
WEATHER_TOOL_ANTHROPIC = {
    "name": "get_weather", "description": "Weather for a city",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}


def openai_scenarios(client):
    def chat(name, stream=False, tools=None):
        messages = [{"role": "system", "content": "You are terse."},
                    {"role": "user", "content": f"Say something {marker(name)}"}]
        kwargs = {"model": "gpt-4o-mini", "messages": messages}
        if tools:
            kwargs["tools"] = tools
        if stream:
            with client.chat.completions.stream(**kwargs, stream_options={"include_usage": True}) as s:
                for _ in s:
                    pass
                return s.get_final_completion()
        return client.chat.completions.create(**kwargs)

    def responses(name, stream=False, tools=None):
        kwargs = {"model": "gpt-4o-mini", "input": f"Say something {marker(name)}"}
        if tools:
            kwargs["tools"] = tools
        if stream:
            with client.responses.stream(**kwargs) as s:
                for _ in s:
                    pass
                return s.get_final_response()
        return client.responses.create(**kwargs)

    return [
        ("chat_text", "openai", lambda: chat("chat_text")),
        ("chat_text_stream", "openai", lambda: chat("chat_text_stream", stream=True)),
        ("chat_tools", "openai", lambda: chat("chat_tools", tools=[WEATHER_TOOL_OPENAI])),
        ("chat_tools_stream", "openai", lambda: chat("chat_tools_stream", stream=True, tools=[WEATHER_TOOL_OPENAI])),
        ("chat_paced_stream", "openai", lambda: chat("chat_paced_stream", stream=True)),
        ("responses_text", "openai", lambda: responses("responses_text")),
        ("responses_text_stream", "openai", lambda: responses("responses_text_stream", stream=True)),
        ("responses_tools_stream", "openai",
         lambda: responses("responses_tools_stream", stream=True, tools=[WEATHER_TOOL_RESPONSES])),
        ("chat_error_429", "openai", lambda: chat("chat_error_429")),
        ("chat_error_500", "openai", lambda: chat("chat_error_500")),
    ]


def anthropic_scenarios(client):
    def messages(name, stream=False, tools=None):
        kwargs = {"model": "claude-test-model", "max_tokens": 256, "system": "You are terse.",
                  "messages": [{"role": "user", "content": f"Say something {marker(name)}"}]}
        if tools:
            kwargs["tools"] = tools
        if stream:
            with client.messages.stream(**kwargs) as s:
                for _ in s:
                    pass
                return s.get_final_message()
        return client.messages.create(**kwargs)

    return [
        ("messages_text", "anthropic", lambda: messages("messages_text")),
        ("messages_text_stream", "anthropic", lambda: messages("messages_text_stream", stream=True)),
        ("messages_tools", "anthropic", lambda: messages("messages_tools", tools=[WEATHER_TOOL_ANTHROPIC])),
        ("messages_tools_stream", "anthropic",
         lambda: messages("messages_tools_stream", stream=True, tools=[WEATHER_TOOL_ANTHROPIC])),
        ("messages_error_500", "anthropic", lambda: messages("messages_error_500")),
    ]


def main():
    base = sys.argv[1].rstrip("/")
    openai_tee = tee_transport(httpx)
    oai = openai.OpenAI(base_url=base + "/v1", api_key=SECRET_OPENAI, http_client=httpx.Client(transport=openai_tee),
                        max_retries=0)
    try:
        import httpx2
        anthropic_tee = tee_transport(httpx2)
        anthropic_http = httpx2.Client(transport=anthropic_tee)
    except ImportError:
        anthropic_tee = tee_transport(httpx)
        anthropic_http = httpx.Client(transport=anthropic_tee)
    ant = anthropic.Anthropic(base_url=base, api_key=SECRET_ANTHROPIC, http_client=anthropic_http, max_retries=0)
    runs = [(n, p, r, openai_tee) for n, p, r in openai_scenarios(oai)]
    runs += [(n, p, r, anthropic_tee) for n, p, r in anthropic_scenarios(ant)]
    for name, provider, run, tee in runs:
        line = {"name": name, "marker": marker(name), "provider": provider}
        try:
            result = run()
            line["sdk"] = result.model_dump(mode="json")
        except (openai.APIStatusError, anthropic.APIStatusError) as error:
            line["error"] = {"status": error.status_code, "class": type(error).__name__}
        line["status"] = tee.status
        line["request_b64"] = base64.b64encode(tee.request_body).decode()
        line["response_b64"] = base64.b64encode(b"".join(c for _, c in tee.chunks)).decode()
        if tee.chunks:
            line["first_chunk_ms"] = (tee.chunks[0][0] - tee.sent_at) * 1000
            line["last_chunk_ms"] = (tee.chunks[-1][0] - tee.sent_at) * 1000
            line["chunks"] = len(tee.chunks)
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
