import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// API keys typed into bodies (messages, tool arguments, echoed in streamed answers) are replaced
/// by `redacted:<fingerprint>` in the archive, while the client still gets the original bytes.
@Suite(.serialized)
struct BodySecretScrubbingTests {
    static let openAI = "sk-proj-BODYKEYabcdefghijklmnop0123456789"
    static let anthropic = "sk-ant-api03-BODYKEYabcdefghijklmnop4567"
    static let aws = "AKIABODYKEY234567ABC"
    static let github = "ghp_BODYKEYabcdefghijklmnopqrstuvwxyz01"

    @Test func keysInRequestAndStreamedResponseNeverReachTheArchive() throws {
        let script = #"{"response": {"content": "Stored \#(Self.openAI) for you. See the task-list; sk-short is fine."}}"#
        let harness = try RecorderHarness(script: script)
        let toolArguments = #"{\"token\":\"\#(Self.github)\",\"aws\":\"\#(Self.aws)\"}"#
        let body = """
            {"model":"gpt-4o-mini","stream":STREAM,"messages":[{"role":"user","content":"my key is \(Self.openAI) and \
            \(Self.anthropic); again \(Self.openAI). Check the task-list, sk-short."},\
            {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function",\
            "function":{"name":"save","arguments":"\(toolArguments)"}}]},\
            {"role":"tool","tool_call_id":"c1","content":"ok"}]}
            """
        var answers: [String] = []
        for stream in ["false", "true"] {
            let result = try harness.curl([
                "-H", "content-type: application/json", "--data-binary", body.replacingOccurrences(of: "STREAM", with: stream),
                "\(harness.base)/v1/chat/completions",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            answers.append(result.stdout)
        }
        // The client got the upstream's bytes: the echoed key is there.
        #expect(answers[0].contains(Self.openAI), "non-streamed answer: \(answers[0])")
        #expect(answers[1].contains("data: ") && answers[1].contains("sk-proj-BOD"), "streamed answer: \(answers[1])")

        let exchanges = try harness.stopAndRead()
        #expect(exchanges.count == 2)
        let raw = try harness.archiveText()
        for key in [Self.openAI, Self.anthropic, Self.aws, Self.github] {
            #expect(!raw.contains(key), "\(key.prefix(10))… reached the archive segment")
        }
        #expect(raw.contains("redacted:"))
        let log = harness.recorder?.log ?? ""
        for key in [Self.openAI, Self.anthropic, Self.aws, Self.github] { #expect(!log.contains(key), "key in the log") }
        #expect(raw.contains("task-list") && raw.contains("sk-short"), "ordinary text was changed")

        let cat = try ProcessRunner.understudy(["archive", "cat", harness.archive.path])
        #expect(cat.status == 0, "\(cat.stderr)")
        for key in [Self.openAI, Self.anthropic, Self.aws, Self.github] { #expect(!cat.stdout.contains(key)) }

        for exchange in exchanges {
            // The request body stays valid JSON, and the same key maps to the same fingerprint.
            let request = try JSONValue(parsing: String(decoding: exchange.request.body.bytes, as: UTF8.self))
            let content = request["messages"]?.arrayValue?.first?["content"]?.stringValue ?? ""
            let fingerprints = content.split(separator: " ").filter { $0.hasPrefix("redacted:") }
                .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ";.,")) }
            #expect(fingerprints.count == 3 && fingerprints[0] == fingerprints[2] && fingerprints[0] != fingerprints[1],
                    "\(content)")
            #expect(exchange.redactedBodySecrets >= 5, "\(exchange.redactedBodySecrets)")
        }
        let streamed = exchanges.first { $0.response?.sse != nil }
        let events = streamed?.response?.sse?.map(\.data).joined() ?? ""
        #expect(events.contains("redacted:"), "the streamed echo was not scrubbed: \(events.prefix(400))")
    }
}
