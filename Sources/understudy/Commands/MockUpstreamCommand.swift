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

            Faults (for hardening tests): --fault MODE (repeatable) plays reset-mid-stream (half
            the answer, then a TCP reset), stall (half the answer, then silence), malformed-sse (a
            non-JSON event mid-stream), trickle (the answer in small pieces) or status:N (a
            provider-shaped error; 429, 503 and 529 carry retry-after) on --fault-rate of the
            requests, in turn. A request header x-understudy-mock-fault: MODE asks for one fault.

            Example:
              understudy mock-upstream --listen 127.0.0.1:8081 --script tools/workloads/bfcl/script.jsonl \\
                  --latency-ms 200 --tokens-per-second 60
              understudy record --listen 127.0.0.1:8080 --upstream openai=http://127.0.0.1:8081 --out captures/t
              understudy mock-upstream --script s.jsonl --fault status:429 --fault reset-mid-stream --fault-rate 0.1
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

    @Option(help: "Upstream fault to play: reset-mid-stream, stall, malformed-sse, trickle or status:N; repeatable.")
    var fault: [String] = []

    @Option(help: "Share of requests that get a fault, 0 to 1 (default 1: every request).")
    var faultRate: Double = 1

    @Option(help: "retry-after seconds on status:429/503/529 faults.")
    var retryAfter: Int = 1

    @Option(help: "trickle: pause before each piece, in milliseconds.")
    var trickleMs: Double = 5

    @Option(help: "trickle: bytes per piece.")
    var trickleBytes: Int = 7

    func validate() throws {
        for text in fault {
            do { _ = try MockFault(parsing: text) } catch { throw ValidationError("--fault: \(error)") }
        }
        guard (0...1).contains(faultRate) else { throw ValidationError("--fault-rate must be from 0 to 1") }
        guard retryAfter >= 0, trickleMs >= 0, trickleBytes >= 1 else {
            throw ValidationError("--retry-after and --trickle-ms must be ≥ 0, --trickle-bytes ≥ 1")
        }
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
        configuration.faults = MockFaultSettings(
            faults: try fault.map(MockFault.init(parsing:)), rate: faultRate, retryAfterSeconds: retryAfter,
            trickleBytes: trickleBytes, trickleMs: trickleMs)
        let server = MockUpstreamServer(configuration: configuration, responder: responder)
        let bound: ListenAddress
        do { bound = try await server.start() } catch { throw CLIError("\(error)") }
        logger.info("mock upstream ready", metadata: [
            "listen": "\(tlsCert == nil ? "http" : "https")://\(bound)", "answers": "\(source)",
            "faults": "\(fault.isEmpty ? "none" : "\(fault.joined(separator: ",")) on \(faultRate * 100)% of requests")",
        ])
        _ = await stop.wait()
        try? await server.shutdown()
    }
}
