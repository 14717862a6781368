import ArgumentParser
import Foundation
import Logging
import UnderstudyRecorder

/// `understudy mock-upstream`: an LLM API simulator for tests, benchmarks and deterministic agent runs.
struct MockUpstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-upstream",
        abstract: "Serve OpenAI and Anthropic API answers from a script or a recorded archive.",
        discussion: """
            Speaks OpenAI Chat Completions (streamed or not, tool calls), the Responses API and
            Anthropic Messages (streamed or not, tool_use) as the real services do. With --script it
            answers from a JSONL script (docs/formats.md, "Mock-upstream script"); with --archive it
            replays the recorded answer to the same request (method, path and body; then the
            body with JSON keys sorted). Unmatched requests get a provider-shaped error saying so.

            Example:
              understudy mock-upstream --listen 127.0.0.1:8081 --script tools/workloads/bfcl/script.jsonl \\
                  --latency-ms 200 --tokens-per-second 60
              understudy record --listen 127.0.0.1:8080 --upstream openai=http://127.0.0.1:8081 --out captures/t
            """
    )

    @Option(help: "Address to listen on (host:port).")
    var listen: String = "127.0.0.1:8081"

    @Option(help: "JSONL script of request matchers and answers.")
    var script: String?

    @Option(help: "Capture archive to replay (cassette playback).")
    var archive: String?

    @Option(help: "Time to first byte, in milliseconds.")
    var latencyMs: Double = 0

    @Option(help: "Pace streamed answers at this many output tokens per second (0: no pacing).")
    var tokensPerSecond: Double = 0

    @Flag(help: "With --archive: replay the recorded time to first byte and gaps between events.")
    var originalTiming = false

    @Option(help: "PEM certificate chain: serve HTTPS (with --tls-key).")
    var tlsCert: String?

    @Option(help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    @Option(help: "Event loop threads (default: one per core).")
    var threads: Int?

    func validate() throws {
        guard (script == nil) != (archive == nil) else { throw ValidationError("give exactly one of --script FILE or --archive DIR") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard latencyMs >= 0, tokensPerSecond >= 0 else { throw ValidationError("--latency-ms and --tokens-per-second must be ≥ 0") }
        do { _ = try ListenAddress(parsing: listen) } catch { throw ValidationError("--listen: \(error)") }
    }

    func run() async throws {
        let stop = ShutdownSignal()
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = Logger(label: "understudy.mock-upstream")
        let responder: any MockResponder
        let source: String
        do {
            if let script {
                let parsed = try MockScript(contentsOf: URL(fileURLWithPath: script))
                responder = ScriptResponder(script: parsed)
                source = "\(script) (\(parsed.entries.count) entries)"
            } else {
                let cassette = try CassetteResponder(archive: URL(fileURLWithPath: archive!), originalTiming: originalTiming)
                responder = cassette
                source = "\(archive!) (\(cassette.count) exchanges)"
            }
        } catch {
            throw CLIError("\(error)")
        }
        var configuration = MockUpstreamConfiguration(
            listen: try ListenAddress(parsing: listen), latencyMs: latencyMs, tokensPerSecond: tokensPerSecond,
            tlsCertificatePath: tlsCert, tlsKeyPath: tlsKey)
        if let threads { configuration.threads = max(1, threads) }
        let server = MockUpstreamServer(configuration: configuration, responder: responder)
        let bound: ListenAddress
        do { bound = try await server.start() } catch { throw CLIError("\(error)") }
        logger.info("mock upstream ready", metadata: [
            "listen": "\(tlsCert == nil ? "http" : "https")://\(bound)", "answers": "\(source)",
        ])
        _ = await stop.wait()
        try? await server.shutdown()
    }
}
