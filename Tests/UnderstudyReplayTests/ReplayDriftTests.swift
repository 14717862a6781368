import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// `understudy replay --from captures/NEW` (the paper's S6): a run distilled from one week of
/// captures, its specialist replayed on the next week's, where the big model started answering
/// differently and a new agent appeared. The drift report must show both.
struct ReplayDriftTests {
    static let tools: JSONValue = [[
        "type": "function",
        "function": [
            "name": "lookup_order", "description": "Look an order up",
            "parameters": ["type": "object", "properties": ["order_id": ["type": "string"]], "required": ["order_id"]],
        ],
    ]]
    static let questions = [
        "Where is my parcel", "Has my package shipped", "When will my delivery arrive", "Track the shipment of",
        "What is the status of", "Can you check on", "I am still waiting for", "Please find",
    ]

    static func exchange(system: String, user: String, call: (String, JSONValue)?, answer: String? = nil, second: Int) -> Exchange {
        var exchange = Exchange(
            capture: .init(mode: .reverse, listener: "127.0.0.1:8080", client: "127.0.0.1:50000"),
            timing: .init(startMicros: 1_700_000_000_000_000 + Int64(second) * 1_000_000, firstByteMs: 300, endMs: 900),
            request: .init(method: "POST", target: "/v1/chat/completions",
                           headers: [HTTPHeaderField("content-type", "application/json")]),
            outcome: .ok)
        var request: JSONValue = [
            "model": "gpt-4o",
            "messages": [["role": "system", "content": .string(system)], ["role": "user", "content": .string(user)]],
        ]
        if call != nil { request.set("tools", tools) }
        var message: JSONValue = ["role": "assistant", "content": answer.map(JSONValue.string) ?? .null]
        if let (name, arguments) = call {
            message.set("tool_calls", [["id": "call_1", "type": "function",
                                        "function": ["name": .string(name), "arguments": .string(arguments.serialized())]]])
        }
        let response: JSONValue = [
            "id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4o",
            "choices": [["index": 0, "message": message, "finish_reason": call == nil ? "stop" : "tool_calls"]],
            "usage": ["prompt_tokens": 400, "completion_tokens": 30, "total_tokens": 430],
        ]
        exchange.request.body = HTTPBody(bytes: request.serializedBytes())
        exchange.response = .init(status: 200, headers: [HTTPHeaderField("content-type", "application/json")],
                                  body: HTTPBody(bytes: response.serializedBytes()))
        return exchange
    }

    /// Order lookups; from `drifted` on, the big model adds an argument the specialist never saw.
    static func orders(_ range: Range<Int>, drifted: Int = .max) -> [Exchange] {
        range.map { i in
            let id = "K\(7000 + i * 37)"
            var arguments: JSONValue = ["order_id": .string(id)]
            if i >= drifted { arguments.set("include_history", true) }
            return exchange(system: "You look orders up for Acme customers.",
                            user: "\(questions[i % questions.count]) order \(id)", call: ("lookup_order", arguments), second: i)
        }
    }

    static func write(_ exchanges: [Exchange], to directory: URL) throws {
        let writer = try ArchiveWriter(configuration: ArchiveWriterConfiguration(directory: directory))
        for exchange in exchanges { writer.append(exchange) }
        try writer.close()
    }

    @Test func driftOnNewerCapturesIsReported() throws {
        let binary = try ReplayCommandTests.binary()
        let server = try FakeSpecialist()
        let root = try TestEnvironment.temporaryDirectory("replay-drift")
        defer { try? FileManager.default.removeItem(at: root) }
        let environment = ["UNDERSTUDY_ANON_KEY": "replay-drift-test-key-0123456789"]
        let weekOne = root.appendingPathComponent("captures/week1"), weekTwo = root.appendingPathComponent("captures/week2")
        try Self.write(Self.orders(0..<32), to: weekOne)
        // Week two: 20 order lookups, the last 10 answered differently; 6 calls of a new agent.
        let flights = (0..<6).map { i in
            Self.exchange(system: "You book flights.", user: "Book a seat to city number \(i)", call: nil,
                          answer: "Booked.", second: 100 + i)
        }
        try Self.write(Self.orders(40..<60, drifted: 50) + flights, to: weekTwo)

        let runs = root.appendingPathComponent("runs")
        let distill = try ProcessRunner.run(
            binary, ["distill", "--from", weekOne.path, "--run", "w1", "--runs", runs.path, "--hashing-embedder", "--json"],
            environment: environment, timeout: 180)
        try #require(distill.status == 0, "\(distill.stderr.suffix(3000))")
        let run = runs.appendingPathComponent("w1")
        let index = try JSONValue(parsing: Array(try Data(contentsOf: run.appendingPathComponent("clusters.json"))))
        let ids = index["clusters"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        try #require(!ids.isEmpty, "distill made no cluster: \(distill.stdout)")
        for id in ids {  // the fake endpoint is every cluster's specialist
            let folder = run.appendingPathComponent("specialists/\(id)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(#"{"format":1,"cluster":"\#(id)","prompt_format":1}"#.utf8).write(to: folder.appendingPathComponent("specialist.json"))
        }

        let baseline = try ProcessRunner.run(
            binary, ["replay", "--run", run.path, "--all", "--target", server.url, "--timeout", "5", "--json"],
            environment: environment, timeout: 120)
        try #require(baseline.status == 0, "\(baseline.stderr.suffix(3000))")
        let before = try ReplayCommandTests.json(baseline)
        #expect((before["overall"]?["coverage"]?.doubleValue ?? 0) > 0.5, "\(baseline.stdout.prefix(2000))")

        let drift = try ProcessRunner.run(
            binary, ["replay", "--run", run.path, "--from", weekTwo.path, "--target", server.url, "--timeout", "5", "--json"],
            environment: environment, timeout: 120)
        try #require(drift.status == 0, "\(drift.stderr.suffix(3000))")
        let after = try ReplayCommandTests.json(drift)
        let section = try #require(after["drift"], "no drift section: \(drift.stdout.prefix(2000))")
        #expect(section["new_calls"]?.intValue == 26)
        // The new agent's 6 calls match no cluster (other system prompt); order calls do.
        let unmatched = section["unmatched_share"]?.doubleValue ?? 0
        #expect(unmatched >= 6.0 / 26 - 1e-5 && unmatched < 0.5, "unmatched \(unmatched)")
        // Half the order calls are now answered differently: coverage falls.
        let then = section["baseline"]?["coverage"]?.doubleValue ?? 0, now = section["current"]?["coverage"]?.doubleValue ?? 1
        #expect(now < then - 0.1, "coverage \(then) → \(now)")
        let rows = section["clusters"]?.arrayValue ?? []
        #expect(rows.count == ids.count)
        #expect(rows.contains { ($0["new_error"]?.doubleValue ?? 0) > 0.3 })
        let reportDirectory = run.appendingPathComponent("report/from-week2")
        let html = (try? String(contentsOf: reportDirectory.appendingPathComponent("index.html"), encoding: .utf8)) ?? ""
        #expect(html.contains("Drift on"))
        #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("replay/from-week2/verdicts.jsonl").path))
        // The run's own report and thresholds are left as they were.
        let own = try JSONValue(parsing: Array(try Data(contentsOf: run.appendingPathComponent("report/report.json"))))
        #expect(own["drift"] == nil)
    }
}
