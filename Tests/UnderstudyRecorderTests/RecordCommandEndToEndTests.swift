import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// The official openai and anthropic SDKs (in .venv) and curl drive `understudy record` against
/// `understudy mock-upstream`; the archive must hold every exchange exactly.
@Suite(.serialized)
struct RecordCommandEndToEndTests {
    static let script = """
        {"match": {"contains": "[scenario:chat_tools"}, "response": {"content": null, "tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]}}
        {"match": {"contains": "[scenario:responses_tools"}, "response": {"content": null, "tool_calls": [{"name": "get_weather", "arguments": {"city": "Oslo", "days": 3}}]}}
        {"match": {"contains": "[scenario:messages_tools"}, "response": {"content": "Let me check.", "tool_calls": [{"name": "get_weather", "arguments": {"city": "Rome"}}]}}
        {"match": {"contains": "[scenario:chat_error_429"}, "status": 429}
        {"match": {"contains": "error_500"}, "status": 500}
        {"match": {"contains": "[scenario:slow"}, "response": {"content": "\(String(repeating: "slow words keep coming ", count: 60))", "tool_calls": []}}
        {"response": {"content": "Hello there, I am the mock upstream answering you with a few more words than that.", "tool_calls": []}, "usage": {"input_tokens": 12, "output_tokens": 18}}
        """

    @Test func sdkClientsAndCurlAreRecordedExactly() throws {
        let python = TestEnvironment.python
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            Issue.record("missing \(python.path): run tools/setup")
            return
        }
        let harness = try RecorderHarness(script: Self.script, mockArguments: ["--tokens-per-second", "400"])
        let driver = TestEnvironment.repositoryRoot.appendingPathComponent("tools/e2e/recorder_clients.py")
        let run = try ProcessRunner.run(python, [driver.path, harness.base])
        #expect(run.status == 0, "driver failed: \(run.stderr)")
        let lines = run.stdout.split(separator: "\n").compactMap { try? JSONValue(parsing: Array($0.utf8)) }
        #expect(lines.count == 15)

        // curl: unreachable upstream (default route), and a stream the client abandons.
        let unreachable = try harness.curl(["-i", "\(harness.base)/not/an/llm/path"])
        #expect(unreachable.stdout.hasPrefix("HTTP/1.1 502"))
        #expect(unreachable.stdout.contains("upstream_unreachable"))
        let abort = try harness.curl([
            "-N", "-m", "0.4", "-H", "content-type: application/json", "\(harness.base)/v1/chat/completions",
            "-d", #"{"model":"m","stream":true,"messages":[{"role":"user","content":"[scenario:slow]"}]}"#,
        ])
        #expect(abort.stdout.contains("data: "))
        #expect(try harness.waitForMetric("understudy_client_aborts_total", atLeast: 1) >= 1)
        let metrics = try harness.curl(["http://127.0.0.1:\(harness.adminPort)/metrics"])
        #expect(metrics.stdout.contains("understudy_requests_total{provider=\"openai\"}"))

        let exchanges = try harness.stopAndRead()
        #expect(exchanges.count == lines.count + 2)

        for line in lines {
            let name = line["name"]?.stringValue ?? "?"
            let marker = Array((line["marker"]?.stringValue ?? "?").utf8)
            let matching = exchanges.filter { $0.request.body.bytes.contains(subsequence: marker) }
            #expect(matching.count == 1, "\(name): \(matching.count) records")
            guard let exchange = matching.first, let response = exchange.response else { continue }
            Self.expectRecordedAsSent(exchange, response, line: line, name: name)
            if let error = line["error"], !error.isNull {
                #expect(exchange.outcome == .upstreamError, "\(name)")
                continue
            }
            #expect(exchange.outcome == .ok, "\(name): \(exchange.error ?? "")")
            let provider = line["provider"]?.stringValue ?? ""
            let api = exchange.llm?.api ?? "?"
            let recorded = Self.projection(exchange.llm?.assembled, api: api)
            let sdk = Self.projection(line["sdk"], api: api)
            #expect(recorded != nil && recorded == sdk, "\(name) (\(provider) \(api)): archive \(recorded?.serialized() ?? "nil") vs SDK \(sdk?.serialized() ?? "nil")")
            if exchange.llm?.stream == true {
                let times = response.sse?.map(\.tMs) ?? []
                #expect(!times.isEmpty && times == times.sorted(), "\(name): SSE events and times")
            }
        }

        // Streams are forwarded chunk by chunk: the paced stream's first bytes arrive long before its end.
        if let paced = lines.first(where: { $0["name"]?.stringValue == "chat_paced_stream" }) {
            let first = paced["first_chunk_ms"]?.doubleValue ?? 0
            let last = paced["last_chunk_ms"]?.doubleValue ?? 0
            #expect((paced["chunks"]?.intValue ?? 0) > 5)
            #expect(first < last / 2, "first chunk at \(first) ms, last at \(last) ms")
        }

        let unreachableRecord = exchanges.first { $0.request.target == "/not/an/llm/path" }
        #expect(unreachableRecord?.outcome == .upstreamError)
        #expect(unreachableRecord?.response?.status == 502)
        let aborted = exchanges.first { $0.request.body.bytes.contains(subsequence: Array("[scenario:slow]".utf8)) }
        #expect(aborted?.outcome == .clientAborted)

        // Cassette playback: mock-upstream --archive answers the same requests with the recorded bytes.
        let cassettePort = TestEnvironment.freePort()
        let cassette = try BackgroundProcess(TestEnvironment.binary, [
            "mock-upstream", "--listen", "127.0.0.1:\(cassettePort)", "--archive", harness.archive.path,
        ])
        try BackgroundProcess.waitForPort(cassettePort)
        for name in ["chat_text", "chat_tools_stream", "messages_tools_stream"] {
            guard let line = lines.first(where: { $0["name"]?.stringValue == name }),
                let request = Data(base64Encoded: line["request_b64"]?.stringValue ?? ""),
                let recorded = Data(base64Encoded: line["response_b64"]?.stringValue ?? "")
            else { continue }
            let bodyFile = harness.directory.appendingPathComponent("\(name).json")
            try request.write(to: bodyFile)
            let path = line["provider"]?.stringValue == "anthropic" ? "/v1/messages" : "/v1/chat/completions"
            let replay = try harness.curl([
                "-H", "content-type: application/json", "--data-binary", "@\(bodyFile.path)",
                "http://127.0.0.1:\(cassettePort)\(path)",
            ])
            #expect(Array(replay.stdout.utf8) == Array(recorded), "\(name): cassette replay differs")
        }
        let miss = try harness.curl(["-i", "-H", "content-type: application/json", "-d", #"{"model":"x","messages":[]}"#,
                                     "http://127.0.0.1:\(cassettePort)/v1/chat/completions"])
        #expect(miss.stdout.hasPrefix("HTTP/1.1 400"))
        #expect(miss.stdout.contains("no recorded exchange"))
        cassette.stop()

        // Secrets never reach the archive or the log; fingerprints keep keys apart.
        let text = try harness.archiveText()
        #expect(!text.isEmpty)
        let log = harness.recorder?.log ?? ""
        for secret in ["sk-test-OPENAI-secret-0123456789", "sk-ant-test-ANTHROPIC-secret-9876543210"] {
            let inArchive = text.contains(secret)
            let inLog = log.contains(secret)
            #expect(!inArchive && !inLog, "a secret reached the archive or the log")
        }
        func credential(_ exchange: Exchange) -> String? {
            exchange.request.headers.first(named: "authorization") ?? exchange.request.headers.first(named: "x-api-key")
        }
        let openaiKey = exchanges.first { $0.request.target.hasPrefix("/v1/chat") }.flatMap(credential)
        let anthropicKey = exchanges.first { $0.request.target.hasPrefix("/v1/messages") }.flatMap(credential)
        #expect(openaiKey?.hasPrefix("redacted:") == true)
        #expect(anthropicKey?.hasPrefix("redacted:") == true)
        #expect(openaiKey != anthropicKey)
    }

    /// The archived bodies and status are the bytes the client sent and got (the client script
    /// logs them base64-encoded).
    static func expectRecordedAsSent(_ exchange: Exchange, _ response: Exchange.Response, line: JSONValue, name: String) {
        let sent = Data(base64Encoded: line["request_b64"]?.stringValue ?? "").map(Array.init) ?? []
        let got = Data(base64Encoded: line["response_b64"]?.stringValue ?? "").map(Array.init) ?? []
        #expect(exchange.request.body.bytes == sent, "\(name): request body differs")
        #expect(response.body.bytes == got, "\(name): response body differs")
        #expect(response.status == line["status"]?.intValue)
    }

    /// What both sides must agree on, per API: texts, tool calls (ids, names, arguments as
    /// JSON), stop reasons and usage. Objects are key-sorted so member order cannot differ.
    static func projection(_ value: JSONValue?, api: String) -> JSONValue? {
        guard let value, !value.isNull else { return nil }
        switch api {
        case "chat.completions":
            let message = value["choices"]?[0]?["message"]
            let calls = (message?["tool_calls"]?.arrayValue ?? []).map { call -> JSONValue in
                [call["id"] ?? .null, call["function"]?["name"] ?? .null, parsed(call["function"]?["arguments"])]
            }
            return [
                "content": message?["content"] ?? .null, "tool_calls": .array(calls),
                "finish_reason": value["choices"]?[0]?["finish_reason"] ?? .null,
                "usage": [value["usage"]?["prompt_tokens"] ?? .null, value["usage"]?["completion_tokens"] ?? .null],
            ]
        case "responses":
            let items = (value["output"]?.arrayValue ?? []).map { item -> JSONValue in
                switch item["type"]?.stringValue {
                case "function_call":
                    return ["function_call", item["call_id"] ?? .null, item["name"] ?? .null, parsed(item["arguments"])]
                default:
                    let texts = (item["content"]?.arrayValue ?? []).map { $0["text"] ?? .null }
                    return [item["type"] ?? .null, .array(texts)]
                }
            }
            return ["output": .array(items), "status": value["status"] ?? .null,
                    "usage": [value["usage"]?["input_tokens"] ?? .null, value["usage"]?["output_tokens"] ?? .null]]
        case "messages":
            let blocks = (value["content"]?.arrayValue ?? []).map { block -> JSONValue in
                block["type"]?.stringValue == "tool_use"
                    ? ["tool_use", block["id"] ?? .null, block["name"] ?? .null, sorted(block["input"] ?? .null)]
                    : [block["type"] ?? .null, block["text"] ?? .null]
            }
            return ["content": .array(blocks), "stop_reason": value["stop_reason"] ?? .null,
                    "output_tokens": value["usage"]?["output_tokens"] ?? .null]
        default:
            return sorted(value)
        }
    }

    static func parsed(_ arguments: JSONValue?) -> JSONValue {
        guard let text = arguments?.stringValue, let json = try? JSONValue(parsing: Array(text.utf8)) else {
            return arguments ?? .null
        }
        return sorted(json)
    }

    static func sorted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members): .object(members.map { JSONMember($0.key, sorted($0.value)) }.sorted { $0.key < $1.key })
        case .array(let elements): .array(elements.map(sorted))
        case .number(let text): .number(Double(text).map { $0 == $0.rounded() ? String(Int($0)) : String($0) } ?? text)
        default: value
        }
    }
}

extension [UInt8] {
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, count >= needle.count else { return needle.isEmpty }
        for i in 0...(count - needle.count) where self[i] == needle[0] && self[i..<(i + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }
}
