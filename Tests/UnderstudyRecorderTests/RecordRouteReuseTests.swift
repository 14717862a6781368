import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// One keep-alive connection whose requests change route from one to the next: each is classified
/// and routed on its own (the proxy reuses the last request's route only when method, target,
/// `Host` and `api-key` are the same), so providers in the records follow the requests.
@Suite struct RecordRouteReuseTests {
    static let script = #"{"response": {"content": "routed answer", "tool_calls": []}}"#

    static func post(_ target: String, host: String = "x", extra: String = "") -> String {
        let body = #"{"model":"m","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}"#
        return "POST \(target) HTTP/1.1\r\nHost: \(host)\r\nContent-Type: application/json\r\n\(extra)"
            + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    @Test func requestsOnOneConnectionAreRoutedEachByItsOwnPathAndHost() throws {
        let harness = try RecorderHarness(script: Self.script)
        let connection = try RawConnection(port: harness.proxyPort)
        // Same route twice, then another provider, back, an Azure host on the same path, and an
        // Azure api-key with api-version on it: four providers over one connection.
        let requests = [
            Self.post("/v1/chat/completions"),
            Self.post("/v1/chat/completions"),
            Self.post("/v1/messages"),
            Self.post("/v1/chat/completions"),
            Self.post("/v1/chat/completions", host: "me.openai.azure.com"),
            Self.post("/v1/chat/completions?api-version=1", extra: "api-key: k\r\n"),
            Self.post("/v1/chat/completions?api-version=1", extra: "Connection: close\r\n"),
        ]
        connection.send(requests.joined())
        let reply = connection.readAll(timeout: 10)
        #expect(reply.closed, "the proxy closes after the request that asked it to")
        let statuses = reply.text.components(separatedBy: "HTTP/1.1 ").dropFirst().map { $0.prefix(3) }
        #expect(statuses == Array(repeating: "200", count: requests.count), "\(reply.text)")

        let exchanges = try harness.stopAndRead()
        let providers = exchanges.map { $0.llm?.provider ?? "none" }
        #expect(providers == ["openai", "openai", "anthropic", "openai", "azure", "azure", "openai"], "\(providers)")
        #expect(exchanges.allSatisfy { $0.outcome == .ok })
    }
}
