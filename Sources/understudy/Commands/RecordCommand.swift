import ArgumentParser
import Foundation
import Logging
import UnderstudyArchive
import UnderstudyRecorder

/// `understudy record`: the reverse proxy (and, with `--forward`, HTTPS_PROXY forward proxy) that
/// records every LLM call passing through it.
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Proxy agents' LLM API calls to the real upstreams and record every exchange.",
        discussion: """
            Routes by path: /v1/chat/completions, /v1/responses, /v1/embeddings and Azure deployment
            paths go to the openai (or azure) upstream, /v1/messages to anthropic, Gemini's
            generateContent to gemini; anything else to default and is recorded raw. Credentials
            (authorization, x-api-key, api-key, cookies) are replaced by keyed fingerprints before
            anything reaches the disk. SIGINT/SIGTERM stop accepting, drain in-flight requests and
            close the archive.

            Example:
              understudy record --listen 127.0.0.1:8080 \\
                  --upstream openai=https://api.openai.com --upstream anthropic=https://api.anthropic.com \\
                  --out captures/prod --admin 127.0.0.1:9090
              export OPENAI_BASE_URL=http://127.0.0.1:8080/v1

            Recording (redaction, SSE assembly, JSON, zstd) runs on two threads, us-recorder and
            us-archive, after each answer was sent; understudy.toml [record] recording_nice = N
            (0-19, default 0) runs them N nicer than the proxy. The archive is zstd level 3
            (compression_level); while records back up the writer compresses frames at lower
            levels and returns to 3 once it caught up (adaptive_compression = true, like
            zstd --adapt; every frame stays readable).

            Forward proxy (agents keep their base URLs; they must trust Understudy's CA):
              understudy ca init && understudy ca export --out understudy-ca.pem
              understudy record --forward --forward-policy refuse --out captures/prod
              export HTTPS_PROXY=http://127.0.0.1:8080 SSL_CERT_FILE=$PWD/understudy-ca.pem
            """
    )

    @Option(help: "Address to accept agents on (host:port). Default 127.0.0.1:8080.")
    var listen: String?

    @Option(name: .customLong("upstream"), help: "NAME=URL with NAME openai, azure, anthropic, gemini or default; repeatable.")
    var upstreams: [String] = []

    @Option(help: "Archive directory. Default captures/<date-time>.")
    var out: String?

    @Option(help: "Admin listener for /metrics and /healthz (host:port).")
    var admin: String?

    @Option(help: "Settings file (default ./understudy.toml when present).")
    var config: String?

    @Option(name: .customLong("redact-header"), help: "Another header to redact; repeatable.")
    var redactHeaders: [String] = []

    @Option(help: "Record at most this many MiB of each body (the agent still gets all of it). Default 32.")
    var bodyLimitMb: Double?

    @Option(help: "Event loop threads (default: one per core less one for the recording threads, at least one).")
    var threads: Int?

    @Option(name: .customLong("upstream-ca"),
            help: "PEM file of CA certificates trusted besides the system store when verifying https upstreams.")
    var upstreamCA: String?

    @Flag(help: "On exit, print the summary as JSON.")
    var json = false

    // Passive capture alongside the proxy (UnderstudyRecorder/Pcap; helpers in ImportPcapCommand+LiveCapture.swift).
    @Option(help: "Also capture plaintext HTTP/1.x traffic passively on this interface (libpcap; root or CAP_NET_RAW).")
    var pcapIface: String?

    @Option(help: "BPF filter for --pcap-iface, e.g. 'tcp port 11434'. Default: all TCP.")
    var pcapFilter: String?

    @OptionGroup(title: "Forward proxy (HTTPS_PROXY with TLS interception)")
    var forward: ForwardOptions

    func validate() throws {
        if pcapFilter != nil && pcapIface == nil { throw ValidationError("--pcap-filter needs --pcap-iface") }
        for upstream in upstreams {
            do { _ = try Upstream(parsing: upstream) } catch let error as RecorderError {
                throw ValidationError(error.description)
            }
        }
        if let listen { do { _ = try ListenAddress(parsing: listen) } catch { throw ValidationError("--listen: \(error)") } }
        if let admin { do { _ = try ListenAddress(parsing: admin) } catch { throw ValidationError("--admin: \(error)") } }
    }

    func run() async throws {
        let stop = ShutdownSignal()
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "understudy.record")
        logger.logLevel = .info
        let file = try UnderstudyConfiguration.load(path: config)
        let settings = try RecorderSettings.resolve(
            file: file, listen: listen, upstreams: upstreams, out: out, admin: admin, redactHeaders: redactHeaders,
            bodyLimitMB: bodyLimitMb, threads: threads, forward: forward, upstreamCA: upstreamCA)

        let writer: ArchiveWriter
        do {
            writer = try ArchiveWriter(configuration: settings.archive)
        } catch {
            throw CLIError("cannot open the archive \(settings.out.path): \(error)")
        }
        let metrics = RecorderMetrics()
        metrics.observeArchive { writer.counters }
        let recorder = ExchangeRecorder(
            sink: writer, redactor: settings.redactor, metrics: metrics, logger: logger, niceness: settings.recordingNice)
        let pcapCapture: LivePcapCapture?
        do {
            pcapCapture = try ImportPcapCommand.startLiveCapture(
                interface: pcapIface, filter: pcapFilter, redactor: settings.redactor,
                bodyLimit: settings.proxy.bodyLimit, writer: writer, logger: logger)
        } catch {
            try? writer.close()
            throw error
        }
        let proxy = ReverseProxy(configuration: settings.proxy, recorder: recorder, metrics: metrics, logger: logger)
        let bound: ListenAddress
        var adminServer: AdminServer?
        do {
            bound = try await proxy.start()
            if let adminAddress = settings.admin {
                adminServer = try await AdminServer.start(at: adminAddress, metrics: metrics, group: proxy.group)
            }
        } catch {
            await proxy.shutdown()
            try? writer.close()
            throw CLIError("\(error)")
        }
        let routes = settings.proxy.upstreams.byName.keys.sorted()
            .map { "\($0)=\(settings.proxy.upstreams.byName[$0]!.baseURL)" }.joined(separator: " ")
        logger.info("recording", metadata: [
            "listen": "\(bound)", "out": "\(settings.out.path)", "upstreams": "\(routes)",
            "admin": "\(adminServer.map { "\($0.address)" } ?? "off")",
        ])
        if let forwardSettings = settings.proxy.forward { Self.logForward(forwardSettings, listen: bound, logger: logger) }

        let signal = await stop.wait()
        logger.info("stopping: draining in-flight requests", metadata: ["signal": "\(signal)"])
        try? await adminServer?.close()
        await proxy.shutdown()
        var closeError: String?
        ImportPcapCommand.stopLiveCapture(pcapCapture, logger: logger)
        do { try writer.close() } catch { closeError = "\(error)" }
        await proxy.shutdownEventLoops()
        let counters = writer.counters
        let recorded = recorder.counters
        if json {
            let summary: JSONValue = [
                "out": .string(settings.out.path), "exchanges": .int(recorded.submitted),
                "written": .int(counters.written), "dropped": .int(counters.dropped + recorded.dropped),
                "segments": .int(counters.segments), "bytes_stored": .int(counters.bytesStored),
                "error": closeError.map(JSONValue.string) ?? .null,
            ]
            print(summary.serialized())
        } else {
            print("recorded \(counters.written) exchanges into \(settings.out.path)"
                + " (\(counters.dropped + recorded.dropped) dropped)")
        }
        if let closeError { throw CLIError("closing the archive \(settings.out.path) failed: \(closeError)") }
    }
}

extension RecordCommand {
    /// Says what the forward proxy intercepts and which CA clients must trust (never the key).
    static func logForward(_ forward: ForwardConfiguration, listen: ListenAddress, logger: Logger) {
        let fingerprint = (try? forward.authority.fingerprintSHA256()) ?? "?"
        logger.info("forward proxy on", metadata: [
            "intercept": "\(forward.policy.allowedHosts.sorted().joined(separator: ","))",
            "other_hosts": "\(forward.policy.otherHosts.rawValue)",
            "private": "\(forward.policy.allowPrivate ? "allowed" : "refused")",
            "ca_sha256": "\(fingerprint)",
        ])
        if !["127.0.0.1", "::1", "localhost"].contains(listen.host) {
            logger.warning("forward proxy listening beyond loopback: anyone who can reach it can use it as a proxy",
                           metadata: ["listen": "\(listen)"])
        }
        for fixed in forward.resolveOverrides {
            logger.warning("forward: fixed destination, private-address check bypassed", metadata: ["resolve": "\(fixed)"])
        }
    }
}
