import ArgumentParser
import Foundation
import UnderstudyArchive
import UnderstudyDistill

/// `understudy distill probe dedup|anonymize`: the stage-one engines on plain JSONL, timed, for
/// tools/bench/distill-clean. Hidden: a measuring tool, not part of the workflow.
struct DistillProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Run the dedup or anonymization engine on JSONL texts and time it (for benchmarks).",
        discussion: """
            Input: JSONL with a "text" member per line. dedup prints the near-duplicate pairs; anonymize writes
            each text anonymized with the entities it replaced (type and original value: keep the output
            private) and prints the timing. Example:
              understudy distill probe dedup --input texts.jsonl --threshold 0.9 --num-perm 128
            """,
        shouldDisplay: false)

    @Argument(help: "dedup or anonymize") var engine: String
    @Option(help: "JSONL input with a \"text\" member per line.") var input: String
    @Option(help: "Where anonymize writes its per-line results (JSONL).") var output: String?
    @Option(help: "Near-duplicate Jaccard threshold.") var threshold = 0.9
    @Option(help: "MinHash permutations.") var numPerm = 128
    @Option(help: "Words per shingle.") var shingle = 3
    @Flag(help: "Treat texts that parse as JSON as JSON (walk string values with member names as context).") var json =
        false
    @Option(help: "anonymize: surrogate or placeholder.") var mode = "surrogate"
    @Option(help: "anonymize: threads sharing the texts (each text is its own conversation).") var threads = 1

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: input) else { throw CLIError("cannot read \(input)") }
        var texts: [String] = []
        for line in data.split(separator: 0x0A) where !line.isEmpty {
            guard let text = (try? JSONValue(parsing: line))?["text"]?.stringValue else {
                throw CLIError("\(input): a line has no \"text\" string")
            }
            texts.append(text)
        }
        switch engine {
        case "dedup":
            let finder = NearDuplicateFinder(
                configuration: DedupConfiguration(threshold: threshold, permutations: numPerm, shingleSize: shingle))
            let start = ContinuousClock.now
            let cpu = Self.cpuSeconds()
            let pairs = finder.pairs(texts: texts)
            let seconds = Self.seconds(since: start)
            print(
                JSONValue.object([
                    JSONMember("seconds", .double(seconds)),
                    JSONMember("cpu_seconds", .double(Self.cpuSeconds() - cpu)),
                    JSONMember("bands", .int(finder.lsh.bands)), JSONMember("rows", .int(finder.lsh.rows)),
                    JSONMember("pairs", .array(pairs.map { .array([.int($0.0), .int($0.1)]) })),
                ]).serialized())
        case "anonymize":
            let anonymizer = Anonymizer(
                configuration: AnonymizerConfiguration(mode: AnonymizationMode(rawValue: mode) ?? .surrogate, key: Array("understudy-bench-key-0123456789".utf8)))
            let bytes = texts.reduce(0) { $0 + $1.utf8.count }
            let start = ContinuousClock.now
            let cpu = Self.cpuSeconds()
            let threadCPU = Self.cpuSeconds(clock: CLOCK_THREAD_CPUTIME_ID)
            let results = anonymizeAll(texts, with: anonymizer)
            let seconds = Self.seconds(since: start)
            // With one thread the loop has no suspension point, so it ran on this thread: its CPU
            // time is the engine's. The process's also counts idle runtime threads, which were
            // measured spinning in sched_yield beside it (up to as much CPU again) on an unloaded
            // machine. With several threads, the wall time is the figure (`wall_mb_per_s`).
            let cpuSeconds =
                threads == 1 ? Self.cpuSeconds(clock: CLOCK_THREAD_CPUTIME_ID) - threadCPU : Self.cpuSeconds() - cpu
            let processCPUSeconds = Self.cpuSeconds() - cpu
            if let output {
                var lines: [UInt8] = []
                for (text, scope) in results {
                    let found = JSONValue.array(
                        scope.replacedValues.map { .array([.string($0.type.rawValue), .string($0.value)]) })
                    lines +=
                        JSONValue.object([JSONMember("text", .string(text)), JSONMember("found", found)])
                        .serializedBytes() + [0x0A]
                }
                guard
                    FileManager.default.createFile(
                        atPath: output, contents: Data(lines), attributes: [.posixPermissions: 0o600])
                else {
                    throw CLIError("cannot write \(output)")
                }
            }
            print(
                JSONValue.object([
                    JSONMember("seconds", .double(seconds)), JSONMember("cpu_seconds", .double(cpuSeconds)),
                    JSONMember("process_cpu_seconds", .double(processCPUSeconds)),
                    JSONMember("bytes", .int(bytes)),
                    JSONMember("mb_per_s", .double(Double(bytes) / 1e6 / max(cpuSeconds, 1e-9))),
                    JSONMember("threads", .int(threads)),
                    JSONMember("wall_mb_per_s", .double(Double(bytes) / 1e6 / max(seconds, 1e-9))),
                ]).serialized())
        default:
            throw ValidationError("engine must be dedup or anonymize, not \(engine)")
        }
    }

    /// Each text anonymized as its own conversation; with several threads, each takes a
    /// contiguous share of the texts.
    private func anonymizeAll(_ texts: [String], with anonymizer: Anonymizer) -> [(String, PseudonymScope)] {
        let results = ConcurrentSlots<(String, PseudonymScope)>(
            repeating: ("", PseudonymScope(conversation: "")), count: texts.count)
        let workers = max(1, min(threads, texts.count))
        let share = (texts.count + workers - 1) / workers
        let json = json
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for i in (worker * share)..<min(texts.count, (worker + 1) * share) {
                let text = texts[i]
                var scope = PseudonymScope(conversation: String(i))
                var parsed: JSONValue?
                if json, text.first == "{" || text.first == "[" { parsed = try? JSONValue(parsing: text) }
                let out =
                    parsed.map { anonymizer.anonymize($0, scope: &scope).serialized() }
                    ?? anonymizer.anonymize(text: text, scope: &scope)
                results[i] = (out, scope)
            }
        }
        return results.elements
    }

    /// CPU time of this process (or of `clock`'s subject): on a shared machine it measures the
    /// engine, not the neighbours.
    static func cpuSeconds(clock: clockid_t = CLOCK_PROCESS_CPUTIME_ID) -> Double {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
