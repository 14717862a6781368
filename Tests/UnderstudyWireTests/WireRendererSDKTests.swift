import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport
import UnderstudyWire

/// The official Python SDKs (openai, anthropic, google-genai in .venv) read what `WireRenderer`
/// writes: each rendered body goes through the SDK's own HTTP client (an httpx mock transport),
/// SSE decoder and stream accumulator, and each object and event is validated strictly against
/// the SDK's pydantic types. The SDK's view of the answer must equal the canonical response.
struct WireRendererSDKTests {
    static let answers: [(String, CanonicalResponse)] = [
        ("text", CanonicalResponse(content: "Bonjour ! Il fait 18 °C à Paris, ciel dégagé. 🌤")),
        (
            "tool",
            CanonicalResponse(toolCalls: [
                ToolCall(name: "get_weather", arguments: ["city": "Paris", "unit": "celsius", "days": 3])
            ])
        ),
        (
            "parallel",
            CanonicalResponse(
                content: "Checking both.",
                toolCalls: [
                    ToolCall(name: "get_weather", arguments: ["city": "Paris"]),
                    ToolCall(
                        name: "search_flights",
                        arguments: ["from": "CDG", "to": "JFK", "passengers": ["adults": 2, "ids": [1, 2]]]),
                ])
        ),
        ("empty-args", CanonicalResponse(toolCalls: [ToolCall(name: "list_files", arguments: .object([]))])),
    ]

    static let kinds: [(String, LLMEndpoint)] = [
        ("chat", LLMEndpoint(provider: .openai, api: .chatCompletions)),
        ("chat_stream", LLMEndpoint(provider: .openai, api: .chatCompletions, stream: true)),
        ("responses", LLMEndpoint(provider: .openai, api: .responses)),
        ("responses_stream", LLMEndpoint(provider: .openai, api: .responses, stream: true)),
        ("messages", LLMEndpoint(provider: .anthropic, api: .messages)),
        ("messages_stream", LLMEndpoint(provider: .anthropic, api: .messages, stream: true)),
        ("gemini", LLMEndpoint(provider: .gemini, api: .generateContent)),
        ("gemini_stream", LLMEndpoint(provider: .gemini, api: .generateContent, stream: true)),
    ]

    @Test func officialSDKsParseAndAssembleEveryRendering() throws {
        let python = TestEnvironment.python
        try #require(
            FileManager.default.isExecutableFile(atPath: python.path),
            "missing \(python.path): run tools/setup to create .venv with the openai and anthropic SDKs")
        let directory = try TestEnvironment.temporaryDirectory("wire-sdk")
        defer { try? FileManager.default.removeItem(at: directory) }

        let usage = Exchange.Usage(inputTokens: 321, outputTokens: 45)
        for (name, answer) in Self.answers {
            for (kind, endpoint) in Self.kinds {
                let options = RenderOptions(
                    model: "test-model", usage: usage, includeUsage: true, maxDeltaCharacters: 5,
                    argumentFragmentCharacters: 3)
                // OpenAI's streams padded as OpenAI sends them by default (`obfuscation`, what
                // mock-upstream plays), the incremental ones below not (as `serve` sends them).
                var padded = options
                padded.obfuscation = endpoint.provider == .openai
                let rendered = WireRenderer.render(answer, for: endpoint, options: padded)
                try Data(rendered.bytes).write(to: directory.appendingPathComponent("\(name)__\(kind).body"))
                // The same answer streamed incrementally (as the router does), one delta per word.
                guard endpoint.stream else { continue }
                var stream = StreamRenderer(endpoint: endpoint, options: options)
                var events = stream.start()
                for word in (answer.content ?? "").split(separator: " ", omittingEmptySubsequences: false).enumerated()
                {
                    events += stream.text((word.offset == 0 ? "" : " ") + word.element)
                }
                for call in answer.toolCalls { events += stream.toolCall(call) }
                events += stream.finish()
                let bytes = events.flatMap(\.bytes)
                try Data(bytes).write(to: directory.appendingPathComponent("\(name)-incremental__\(kind).body"))
            }
        }
        let result = try ProcessRunner.run(python, ["-c", Self.script, directory.path])
        try #require(result.status == 0, "SDK script failed: \(result.stderr)")
        let report = try JSONValue(parsing: result.stdout)

        for (name, answer) in Self.answers {
            for (kind, endpoint) in Self.kinds {
                for key in ["\(name)__\(kind)"] + (endpoint.stream ? ["\(name)-incremental__\(kind)"] : []) {
                    let seen = try #require(report[key], "no SDK result for \(key)")
                    #expect(seen["error"] == nil, "\(key): \(seen["error"]?.stringValue ?? "")")
                    #expect(CanonicalResponse(json: seen) == answer, "\(key): SDK assembled \(seen.serialized())")
                    #expect(seen["input_tokens"]?.intValue == 321, "\(key) input tokens")
                    #expect(seen["output_tokens"]?.intValue == 45, "\(key) output tokens")
                }
            }
        }
    }

    static let script = #"""
        import json, os, sys
        import httpx, httpx2, openai, anthropic
        from pydantic import TypeAdapter
        from openai.types.chat import ChatCompletion, ChatCompletionChunk
        from openai.types.responses import Response, ResponseStreamEvent
        from anthropic.types import Message, RawMessageStreamEvent
        from google.genai import types as gtypes

        def sse_data(body):
            events = []
            for block in body.decode().replace("\r\n", "\n").split("\n\n"):
                lines = [l[5:].lstrip(" ") if l.startswith("data:") else None for l in block.split("\n")]
                data = [l for l in lines if l is not None]
                if data:
                    events.append("\n".join(data))
            return events

        def http(body, ctype, lib=httpx):
            return lib.Client(transport=lib.MockTransport(
                lambda req: lib.Response(200, content=body, headers={"content-type": ctype})))

        def canon(content, calls, usage):
            return {"content": content, "tool_calls": [{"name": n, "arguments": a} for n, a in calls],
                    "input_tokens": usage[0], "output_tokens": usage[1]}

        def chat(body, stream):
            c = openai.OpenAI(api_key="sk-test", base_url="http://mock/v1", http_client=http(body, "text/event-stream" if stream else "application/json"))
            msgs = [{"role": "user", "content": "hi"}]
            if stream:
                for d in sse_data(body):
                    if d != "[DONE]":
                        ChatCompletionChunk.model_validate_json(d)
                with c.chat.completions.stream(model="test-model", messages=msgs, stream_options={"include_usage": True}) as s:
                    r = s.get_final_completion()
            else:
                ChatCompletion.model_validate_json(body)
                r = c.chat.completions.create(model="test-model", messages=msgs)
            m = r.choices[0].message
            calls = [(t.function.name, json.loads(t.function.arguments)) for t in (m.tool_calls or [])]
            return canon(m.content, calls, (r.usage.prompt_tokens, r.usage.completion_tokens))

        def responses(body, stream):
            c = openai.OpenAI(api_key="sk-test", base_url="http://mock/v1", http_client=http(body, "text/event-stream" if stream else "application/json"))
            if stream:
                adapter = TypeAdapter(ResponseStreamEvent)
                for d in sse_data(body):
                    adapter.validate_json(d)
                with c.responses.stream(model="test-model", input="hi") as s:
                    r = s.get_final_response()
            else:
                Response.model_validate_json(body)
                r = c.responses.create(model="test-model", input="hi")
            texts = [p.text for o in r.output if o.type == "message" for p in o.content if p.type == "output_text"]
            calls = [(o.name, json.loads(o.arguments)) for o in r.output if o.type == "function_call"]
            return canon("".join(texts) if texts else None, calls, (r.usage.input_tokens, r.usage.output_tokens))

        def messages(body, stream):
            a = anthropic.Anthropic(api_key="sk-ant-test", base_url="http://mock", http_client=http(body, "text/event-stream" if stream else "application/json", httpx2))
            args = dict(model="test-model", max_tokens=100, messages=[{"role": "user", "content": "hi"}])
            if stream:
                adapter = TypeAdapter(RawMessageStreamEvent)
                for d in sse_data(body):
                    if json.loads(d)["type"] != "ping":  # the SDK skips pings before typing events
                        adapter.validate_json(d)
                with a.messages.stream(**args) as s:
                    m = s.get_final_message()
            else:
                Message.model_validate_json(body)
                m = a.messages.create(**args)
            texts = [b.text for b in m.content if b.type == "text"]
            calls = [(b.name, b.input) for b in m.content if b.type == "tool_use"]
            return canon("".join(texts) if texts else None, calls, (m.usage.input_tokens, m.usage.output_tokens))

        def gemini(body, stream):
            chunks = [gtypes.GenerateContentResponse.model_validate_json(d) for d in sse_data(body)] if stream \
                else [gtypes.GenerateContentResponse.model_validate_json(body)]
            texts, calls = [], []
            for ch in chunks:
                for p in ch.candidates[0].content.parts:
                    if p.text is not None and p.text != "":
                        texts.append(p.text)
                    if p.function_call is not None:
                        calls.append((p.function_call.name, p.function_call.args))
            u = chunks[-1].usage_metadata
            return canon("".join(texts) if texts else None, calls, (u.prompt_token_count, u.candidates_token_count))

        handlers = {"chat": chat, "responses": responses, "messages": messages, "gemini": gemini}
        out = {}
        d = sys.argv[1]
        for name in sorted(os.listdir(d)):
            key = name[:-5]
            kind = key.split("__")[1]
            stream = kind.endswith("_stream")
            body = open(os.path.join(d, name), "rb").read()
            try:
                out[key] = handlers[kind.replace("_stream", "")](body, stream)
            except Exception as e:
                out[key] = {"error": f"{type(e).__name__}: {e}"[:800]}
        print(json.dumps(out))
        """#
}
