import ArgumentParser
import Foundation
import Logging
import UnderstudyArchive
import UnderstudyRecorder
import UnderstudyReplay
import UnderstudyRouter

/// `understudy serve`: `record`, plus answering the calls whose cluster has a promoted specialist.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Record like `record`, and answer matched calls with the run's specialists.",
        discussion: """
            Each LLM request is matched to a cluster of the run (agent signature, then nearest \
            centroid within the cluster's radius) and routed by the cluster's policy: off, shadow \
            (upstream answers; the specialist runs in the background and the record says whether \
            they agreed), canary P% or on (the specialist answers when its confidence reaches the \
            threshold replay proposed). A specialist answer that is late, invalid (unknown tool, \
            schema violation, empty) or not confident enough goes upstream instead; the agent \
            never sees the difference. The x-understudy-route response header says who answered \
            (specialist:c003, upstream, upstream:fallback:timeout). Everything is recorded, with \
            route set. Policies come from [serve] in understudy.toml and change at run time:
              curl -X PUT -H "authorization: Bearer $UNDERSTUDY_ADMIN_TOKEN" \\
                  -d '{"policy":"canary 10%"}' http://127.0.0.1:9090/admin/policies/c003

            Example:
              understudy serve --run r1 --listen 127.0.0.1:8080 \\
                  --upstream openai=https://api.openai.com --admin 127.0.0.1:9090 --policy on
            """
    )

    @Option(help: "The distillation run (name under --runs, or a path). Or [serve] run.")
    var run: String?
    @Option(help: "Folder holding runs.") var runs = "distill/runs"
    @Option(help: "in-process, or the URL of an OpenAI-compatible server of the specialists.")
    var target: String?
    @Option(help: "Model name sent to a --target URL; {cluster} is replaced by the cluster id.")
    var model: String?
    @Option(help: "Policy of clusters without their own: off, shadow, on, 'canary P%'. Default shadow.")
    var policy: String?
    @Option(name: .customLong("cluster-policy"), help: "ID=POLICY for one cluster; repeatable.")
    var clusterPolicies: [String] = []
    @Option(help: "Milliseconds a specialist may take before the call goes upstream. Default 2000.")
    var budgetMs: Double?
    @Option(help: "Embedding model directory, when the run used MiniLM and it is not found.")
    var embeddingModel: String?

    // The options of `record`.
    @Option(help: "Address to accept agents on (host:port). Default 127.0.0.1:8080.") var listen: String?
    @Option(name: .customLong("upstream"), help: "NAME=URL with NAME openai, azure, anthropic, gemini or default; repeatable.")
    var upstreams: [String] = []
    @Option(help: "Archive directory. Default captures/<date-time>.") var out: String?
    @Option(help: "Admin listener for /metrics, /healthz and /admin/* (host:port).") var admin: String?
    @Option(help: "Settings file (default ./understudy.toml when present).") var config: String?
    @Option(name: .customLong("redact-header"), help: "Another header to redact; repeatable.") var redactHeaders: [String] = []
    @Option(help: "Record at most this many MiB of each body. Default 32.") var bodyLimitMb: Double?
    @Option(help: "Event loop threads (default: one per core less one for the recording threads, at least one).")
    var threads: Int?
    @Flag(help: "On exit, print the summary as JSON.") var json = false

    func validate() throws {
        if let policy { do { _ = try RoutePolicy(parsing: policy) } catch { throw ValidationError("--policy: \(error)") } }
        for entry in clusterPolicies {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--cluster-policy wants ID=POLICY, got '\(entry)'") }
            do { _ = try RoutePolicy(parsing: parts[1]) } catch { throw ValidationError("--cluster-policy \(entry): \(error)") }
        }
        if let budgetMs, budgetMs <= 0 { throw ValidationError("--budget-ms must be positive") }
    }

    func run() async throws {
        let stop = ShutdownSignal()
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "understudy.serve")
        logger.logLevel = .info
        let file = try UnderstudyConfiguration.load(path: config)
        let serve = try ServeFileSettings.read(file)
        let settings = try RecorderSettings.resolve(
            file: file, listen: listen, upstreams: upstreams, out: out, admin: admin, redactHeaders: redactHeaders,
            bodyLimitMB: bodyLimitMb, threads: threads,
            forward: try ForwardOptions.parse([]))  // serve is not a forward proxy; parsed, so its defaults are readable
        guard let runName = run ?? serve.run else { throw ValidationError("give --run RUN (or [serve] run in understudy.toml)") }
        let runURL = Self.runDirectory(runName, runs: runs)
        let budget = (budgetMs ?? serve.budgetMs ?? 2000) / 1000
        let targetText = target ?? serve.target ?? "in-process"
        let routeTarget: RouterSetup.Target
        if targetText == "in-process" {
            routeTarget = .inProcess
        } else {
            guard let url = URL(string: targetText), url.scheme?.hasPrefix("http") == true else {
                throw ValidationError("--target must be in-process or an http(s) URL, got '\(targetText)'")
            }
            routeTarget = .endpoint(url, model: model ?? serve.model ?? "{cluster}")
        }
        var setup: RouterSetup
        do {
            setup = try RouterSetup.load(run: runURL, target: routeTarget, embeddingModel: embeddingModel, budgetSeconds: budget)
        } catch { throw CLIError("\(error)") }
        for (cluster, value) in serve.thresholds { setup.thresholds.set(value, for: cluster) }
        for warning in setup.warnings { logger.warning("\(warning)") }

        let policies = PolicyTable(defaultPolicy: try policy.map(RoutePolicy.init(parsing:)) ?? serve.defaultPolicy ?? .shadow,
                                   policies: serve.policies)
        for entry in clusterPolicies {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            policies.set(try RoutePolicy(parsing: parts[1]), for: parts[0])
        }
        let known = Set(setup.run.clusters.map(\.id))
        for id in policies.explicit.keys where !known.contains(id) {
            throw CLIError("policy for cluster \(id), which run \(setup.run.name) does not have (clusters: \(known.sorted().joined(separator: ", ")))")
        }
        let stats = RouterStats()
        let ledger = ShadowLedger()
        let router = setup.router(policies: policies, stats: stats, ledger: ledger, budgetSeconds: budget)

        let writer: ArchiveWriter
        do {
            writer = try ArchiveWriter(configuration: settings.archive)
        } catch {
            throw CLIError("cannot open the archive \(settings.out.path): \(error)")
        }
        let sink = RoutingSink(inner: writer, ledger: ledger,
                               comparator: ResponseComparator(text: TextComparator(embedder: setup.embedder)), stats: stats)
        let metrics = RecorderMetrics()
        metrics.observeArchive { writer.counters }
        let recorder = ExchangeRecorder(
            sink: sink, redactor: settings.redactor, metrics: metrics, logger: logger, niceness: settings.recordingNice)
        let proxy = ReverseProxy(configuration: settings.proxy, recorder: recorder, metrics: metrics, logger: logger,
                                 answerer: router)
        let token = (ProcessInfo.processInfo.environment["UNDERSTUDY_ADMIN_TOKEN"] ?? serve.adminToken).flatMap(AdminToken.init)
        let adminRoutes = PolicyAdmin(
            policies: policies, clusters: setup.run.clusters.map(\.id), thresholds: setup.thresholds,
            specialists: Set(setup.answerers.keys), stats: stats, token: token)
        let bound: ListenAddress
        var adminServer: AdminServer?
        do {
            bound = try await proxy.start()
            if let adminAddress = settings.admin {
                adminServer = try await AdminServer.start(at: adminAddress, metrics: metrics, group: proxy.group, routes: adminRoutes)
            }
        } catch {
            await proxy.shutdown()
            try? writer.close()
            throw CLIError("\(error)")
        }
        logger.info("serving", metadata: [
            "listen": "\(bound)", "run": "\(runURL.path)", "out": "\(settings.out.path)",
            "clusters": "\(setup.run.clusters.count)", "specialists": "\(setup.answerers.count)",
            "thresholds": "\(setup.thresholds.thresholds.count)", "default_policy": "\(policies.defaultPolicy)",
            "admin": "\(adminServer.map { "\($0.address)" } ?? "off")", "admin_api": "\(token == nil ? "disabled (no token)" : "on")",
        ])

        let signal = await stop.wait()
        logger.info("stopping: draining in-flight requests", metadata: ["signal": "\(signal)"])
        try? await adminServer?.close()
        await proxy.shutdown()
        await sink.drain()
        var closeError: String?
        do { try writer.close() } catch { closeError = "\(error)" }
        await proxy.shutdownEventLoops()
        let counts = stats.snapshot
        if json {
            var summary: JSONValue = [
                "out": .string(settings.out.path), "written": .int(writer.counters.written),
                "requests": .int(counts["requests"] ?? 0), "specialist": .int(counts["specialist"] ?? 0),
                "upstream": .int(counts["upstream"] ?? 0), "error": closeError.map(JSONValue.string) ?? .null,
            ]
            summary.set("routes", stats.json)
            print(summary.serialized())
        } else {
            print("served \(counts["requests"] ?? 0) LLM calls: \(counts["specialist"] ?? 0) by specialists, "
                + "\(counts["upstream"] ?? 0) upstream; recorded \(writer.counters.written) exchanges into \(settings.out.path)")
        }
        if let closeError { throw CLIError("closing the archive \(settings.out.path) failed: \(closeError)") }
    }

    static func runDirectory(_ run: String, runs: String) -> URL {
        var isDirectory: ObjCBool = false
        if run.contains("/"), FileManager.default.fileExists(atPath: run, isDirectory: &isDirectory), isDirectory.boolValue {
            return URL(fileURLWithPath: run, isDirectory: true)
        }
        return URL(fileURLWithPath: runs).appendingPathComponent(run, isDirectory: true)
    }
}
