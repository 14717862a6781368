import ArgumentParser
import AsyncHTTPClient
import Foundation
import UnderstudyDistill
import UnderstudyInference
import UnderstudyReplay

/// `understudy replay`: shadow replay of recorded requests against the run's specialists, then
/// the coverage report.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay held-out recorded requests against the specialists and report coverage.",
        discussion: """
            Sends each cluster's held-out requests (the test split; --all for all traffic) to its \
            specialist, in process or at an OpenAI-compatible endpoint (vLLM, llama.cpp server, \
            Ollama), compares every answer with the recorded one, and writes \
            distill/runs/RUN/replay/verdicts.jsonl, replay/thresholds.json (for `serve`) and the \
            report in distill/runs/RUN/report/ (index.html, report.md, report.json). Failed or \
            garbled answers count as misses with the reason; clusters without a specialist are \
            reported as not covered.

            With --from captures/NEW the run's specialists are replayed on newer captures \
            (normalized and anonymized as in `distill`, assigned to the run's clusters) and the \
            report in report/from-NEW/ shows coverage drift against the run's own replay.

            Examples:
              understudy replay --run r1
              understudy replay --run r1 --target http://127.0.0.1:8000/v1 --model '{cluster}'
              understudy replay --run r1 --all --concurrency 4 --json
              understudy replay --run r1 --from captures/next-week
            """)

    @OptionGroup var options: ReplayReportOptions
    @Option(help: "in-process, or the base URL of an OpenAI-compatible endpoint.") var target = "in-process"
    @Option(help: "Model name sent to an endpoint; {cluster} becomes the cluster id.") var model = "{cluster}"
    @Flag(help: "Replay all of each cluster's traffic, not just the held-out test split.") var all = false
    @Option(name: .customLong("from"), help: "Replay on newer captures (archive directory or segment) and report drift.")
    var from: String?
    @Option(help: "Requests in flight at once (default: CPU cores in process, 8 for an endpoint).") var concurrency: Int?
    @Option(help: "Seconds an endpoint may take per answer.") var timeout = 30.0
    @Option(help: "Minimum embedding cosine for free-text answers.") var minCosine = 0.85
    @Option(help: "Minimum ROUGE-L F1 for free-text answers.") var minRouge = 0.4
    @Option(help: "Embedding model directory for text comparison and cluster assignment (default: found in .venv).")
    var embeddingModel: String?
    @Option(help: "File holding the anonymization key for --from (else UNDERSTUDY_ANON_KEY / UNDERSTUDY_ANON_KEY_FILE).")
    var keyFile: String?

    func validate() throws {
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        guard (0...1).contains(minCosine), (0...1).contains(minRouge) else {
            throw ValidationError("--min-cosine and --min-rouge must be in [0, 1]")
        }
        if target != "in-process" {
            guard let url = URL(string: target), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                throw ValidationError("--target must be in-process or an http(s) URL, not \(target)")
            }
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        if target == "in-process", environment["UNDERSTUDY_BLAS_THREADS"] == nil, environment["OPENBLAS_NUM_THREADS"] == nil {
            // One BLAS thread per replayed request: --concurrency is the parallelism, and
            // single-threaded forward passes run side by side without BLAS's pool lock.
            setenv("OPENBLAS_NUM_THREADS", "1", 1)
        }
        let run = try options.openRun()
        let costs = try options.costModel()
        let text = TextComparator.locatingEmbedder(
            explicit: embeddingModel, configuration: .init(minimumCosine: minCosine, minimumRougeL: minRouge))
        var notes: [String] = []
        let corpus: CorpusIndex?
        do { corpus = try CorpusIndex.load(run: run.url) } catch { throw CLIError("\(error)") }
        if corpus == nil { notes.append("The run has no corpus.jsonl.zst: no per-call cost or big-model self-agreement.") }

        var cases: [ReplayCase]
        var captureCases: CaptureCases?
        if let from {
            captureCases = try buildCaptureCases(from: from, run: run, text: text, costs: costs)
            cases = captureCases!.cases
        } else {
            do { cases = try run.cases(split: all ? .all : .test, corpus: corpus) } catch { throw CLIError("\(error)") }
        }
        if run.specialists.isEmpty { notes.append("No cluster of this run has a specialist yet (run `understudy train`).") }

        let inFlight = concurrency ?? (target == "in-process" ? ProcessInfo.processInfo.activeProcessorCount : 8)
        // Its own client, with as many connections as requests in flight (the shared client
        // keeps 8 per host, which would cap a higher --concurrency).
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: inFlight)))
        let answerers = makeAnswerers(run, client: client)
        if target == "in-process", let first = answerers.values.first as? UnavailableAnswerer {
            notes.append(first.reason)
        }
        let engine = ReplayEngine(
            comparator: ResponseComparator(text: text),
            concurrency: inFlight)
        let progress = ReplayProgress(total: cases.count, enabled: !options.json)
        let started = ContinuousClock.now
        let verdicts = await engine.replay(cases, answerers: answerers) { done, total in progress.update(done) }
        try? await client.shutdown()
        progress.finish(seconds: ContinuousClock.now - started)
        if let name = text.loadedEmbedderName, name.hasPrefix("hashing") {
            notes.append("Free text compared with the hashing embedder: the MiniLM model was not found (run tools/setup or pass --embedding-model).")
        }

        let generated = ReplayReportOptions.now()
        let targetName = target == "in-process" ? "in-process" : target
        if let captureCases {
            try writeDrift(run: run, captureCases: captureCases, verdicts: verdicts, costs: costs, context: (generated, targetName, notes))
            return
        }
        let coverage = RunCoverage(
            run: run.name, clusters: ReplayReportOptions.clusterInfos(run), noiseShare: run.noiseShare, verdicts: verdicts,
            target: options.targetError, prices: costs)
        let context = ReportContext(generated: generated, target: targetName, notes: notes)
        do {
            try ReportWriter.writeVerdicts(verdicts, to: run.replayDirectory)
            try ReportWriter.writeThresholds(coverage, generated: generated, to: run.replayDirectory)
            try ReportWriter.write(coverage, context: context, to: run.reportDirectory)
        } catch { throw CLIError("cannot write the replay results into \(run.url.path): \(error)") }
        if options.json {
            print(ReportWriter.json(coverage, context: context).serialized())
        } else {
            ReplayReportOptions.printSummary(coverage, report: run.reportDirectory)
        }
    }

    func makeAnswerers(_ run: RunDirectory, client: HTTPClient) -> [String: any SpecialistAnswerer] {
        var answerers: [String: any SpecialistAnswerer] = [:]
        for (cluster, directory) in run.specialists {
            if target == "in-process" {
                answerers[cluster] = InProcessSpecialists.answerer(cluster: cluster, directory: directory)
            } else {
                answerers[cluster] = EndpointAnswerer(
                    url: URL(string: target)!, model: model, timeoutSeconds: timeout,
                    apiKey: ProcessInfo.processInfo.environment["UNDERSTUDY_REPLAY_API_KEY"], client: client)
            }
        }
        return answerers
    }

    func buildCaptureCases(from: String, run: RunDirectory, text: TextComparator, costs: CostModel) throws -> CaptureCases {
        let key: [UInt8]?
        do { key = try AnonymizerConfiguration.loadKey(keyFile: keyFile) } catch { throw CLIError("\(error)") }
        let embedder: any SentenceEmbedder =
            (run.embedder ?? "").hasPrefix("hashing") ? HashingEmbedder() : text.embedder
        do {
            return try CaptureCases.build(
                captures: URL(fileURLWithPath: from), run: run, embedder: embedder,
                anonymizer: AnonymizerConfiguration(key: key), prices: costs.tokens)
        } catch { throw CLIError("cannot prepare \(from) for replay: \(error)") }
    }
}
