import Foundation
import Testing
import UnderstudyInference
import UnderstudyReplay
import UnderstudyTestSupport

/// Replay against an OpenAI-compatible endpoint (the fake specialist): right answers match,
/// and an endpoint that errors, times out or returns garbage makes that exchange a miss with
/// the reason while the replay goes on.
struct EndpointAnswererTests {
    func replay(target: String, timeout: Double = 3) async throws -> [Verdict] {
        let root = try TestEnvironment.temporaryDirectory("replay-endpoint")
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try RunDirectory(url: try SmallRun.write(in: root))
        let cases = try run.cases(split: .test)
        let answerer = EndpointAnswerer(url: URL(string: target)!, timeoutSeconds: timeout)
        let engine = ReplayEngine(comparator: ResponseComparator(text: TextComparator(embedder: HashingEmbedder())), concurrency: 4)
        return await engine.replay(cases, answerers: ["c000": answerer])
    }

    @Test func misbehavingEndpointAnswersAreMissesWithTheirReasons() async throws {
        let server = try FakeSpecialist()
        let verdicts = try await replay(target: server.url)
        let byID = Dictionary(uniqueKeysWithValues: verdicts.map { ($0.id, $0) })
        #expect(verdicts.count == SmallRun.orderTexts.count + SmallRun.weatherTexts.count)
        for id in ["o0", "o1", "o2", "o3", "o4", "o5"] {
            #expect(byID[id]?.status == .match, "\(id): \(byID[id]?.reason ?? "missing")")
        }
        #expect(byID["o6"]?.status == .mismatch)
        #expect(byID["o6"]?.reason.contains("order_id") == true, "\(byID["o6"]?.reason ?? "")")
        #expect(byID["o7"]?.status == .error)
        #expect(byID["o7"]?.reason.contains("HTTP 500") == true, "\(byID["o7"]?.reason ?? "")")
        #expect(byID["o8"]?.status == .error)
        #expect(byID["o8"]?.reason.contains("not JSON") == true, "\(byID["o8"]?.reason ?? "")")
        #expect(byID["o9"]?.status == .error)
        #expect(byID["o9"]?.reason.contains("arguments are not JSON") == true, "\(byID["o9"]?.reason ?? "")")
        #expect(byID["o10"]?.status == .error)
        // The stalled answer (20 s) was cut at replay's 3 s timeout, not waited for.
        #expect(byID["o10"]?.reason.hasPrefix("timeout: no answer from") == true, "\(byID["o10"]?.reason ?? "")")
        #expect(byID["o10"]?.reason.hasSuffix("within 3.0 s") == true, "\(byID["o10"]?.reason ?? "")")
        // Unsure but right: a match whose confidence is exp(-3).
        #expect(byID["o11"]?.status == .match)
        #expect(abs((byID["o11"]?.confidence ?? 0) - exp(-3.0)) < 1e-6)
        #expect(abs((byID["o0"]?.confidence ?? 0) - exp(-0.01)) < 1e-6)
        // The weather cluster has no specialist: reported, never sent.
        #expect(verdicts.filter { $0.cluster == "c001" }.allSatisfy { $0.status == .noSpecialist })
    }

    @Test func unreachableEndpointMakesEveryAnswerAMiss() async throws {
        let port = TestEnvironment.freePort()
        let verdicts = try await replay(target: "http://127.0.0.1:\(port)/v1")
        let orders = verdicts.filter { $0.cluster == "c000" }
        #expect(orders.count == SmallRun.orderTexts.count)
        #expect(orders.allSatisfy { $0.status == .error && $0.reason.contains("127.0.0.1:\(port)") })
        #expect(orders.allSatisfy { $0.reason.hasPrefix("endpoint unreachable") || $0.reason.hasPrefix("timeout") })
    }
}
