import Foundation
import Testing
import UnderstudyTestSupport

/// `understudy serve` between the official openai and anthropic SDKs and `mock-upstream`, with
/// a specialist that answers well, returns garbage, calls unknown tools, breaks the schema,
/// stalls, is unsure or crashes (Fixtures/serve_scenario.py). Agents must never notice.
struct ServeEndToEndTests {
    struct Summary: Decodable {
        var failures: [String]
        var routes: [Route]
        var records: Int
        var records_with_route: Int
        var served_records: Int
        var shadow_verdicts: [String]
        var specialist_calls: Int
        struct Route: Decodable {
            var text: String
            var route: String?
        }
    }

    func runScenario() throws -> Summary {
        let binary = TestEnvironment.binary
        let python = TestEnvironment.python
        try #require(FileManager.default.isExecutableFile(atPath: binary.path),
                     "build the binary first: swift build --product understudy (looked for \(binary.path))")
        try #require(FileManager.default.isExecutableFile(atPath: python.path), "run tools/setup: \(python.path) is missing")
        let work = try TestEnvironment.temporaryDirectory("serve-e2e")
        defer { try? FileManager.default.removeItem(at: work) }
        let script = TestEnvironment.repositoryRoot.appendingPathComponent("Tests/UnderstudyRouterTests/Fixtures/serve_scenario.py")
        let result = try ProcessRunner.run(python, [script.path, "--binary", binary.path, "--work", work.path])
        let line = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let summary = try #require(try? JSONDecoder().decode(Summary.self, from: Data(line.utf8)),
                                   "scenario printed no summary: \(result.stdout)\n\(result.stderr.suffix(3000))")
        return summary
    }

    @Test func agentsSeeNoErrorWhateverTheSpecialistDoes() throws {
        let summary = try runScenario()
        #expect(summary.failures.isEmpty, "\(summary.failures)")
        // 14 OpenAI calls (stream and not), 6 Anthropic, 1 other agent, 1 shadowed.
        #expect(summary.routes.count == 22)
        let served = summary.routes.filter { $0.route == "specialist:c001" }
        #expect(served.count == 4)
        #expect(served.allSatisfy { $0.text == "weather in Paris" })
        let fallbacks = summary.routes.filter { $0.route?.hasPrefix("upstream:fallback:") == true }
        #expect(fallbacks.count == 16)
        #expect(summary.routes.first { $0.text == "other agent" }?.route == "upstream")
    }

    @Test func everyExchangeIsRecordedWithItsRoute() throws {
        let summary = try runScenario()
        #expect(summary.records == summary.routes.count)
        #expect(summary.records_with_route == summary.records)
        #expect(summary.served_records == 4)
        // The shadowed call: upstream answered, the specialist's answer was compared with it.
        #expect(summary.shadow_verdicts == ["shadow:agree"])
    }
}
