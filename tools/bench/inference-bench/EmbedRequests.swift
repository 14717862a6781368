import Foundation
import UnderstudyInference

/// `inference-bench embed-requests SPECIALIST_DIR SPLIT.jsonl [LIMIT]`: the sentence-embedding
/// part of each answer alone (prompt features `clause_tools` and `unmatched_text`: the request's
/// question, clauses and tool texts through all-MiniLM-L6-v2, a process-wide cache in front), as
/// `Specialist.answer` does it, with wall and CPU milliseconds per request (CPU: all threads of the
/// process, so a loaded machine inflates it less than wall time) and the encoder's tokens.
enum EmbedRequests {
    static func cpuNow() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) * 1000 + Double(time.tv_nsec) / 1e6
    }

    static func run(directory: URL, split: URL, limit: Int) throws -> [String: Any] {
        let specialist = try Specialist(directory: directory)
        let features = specialist.promptFeatures
        guard features.contains(ClauseTools.feature) || features.contains(ClauseTools.unmatchedTextFeature) else {
            fail("\(directory.path) uses neither clause_tools nor unmatched_text")
        }
        let embedder = try MiniLMEmbedder(modelDirectory: EmbeddingModelLocator.locate())
        let tools = ClauseTools(embedder: CachingSentenceEmbedder(embedder))
        var wall: [Double] = []
        var cpu: [Double] = []
        for case let request? in try SplitRequest.read(split, limit: limit) {
            guard let listed = request.tools else { continue }
            let described = Specialist.described(listed.map(\.name), request.toolDescriptions ?? [])
            let question = RetrievalHint.queryText(request.messages)
            let (start, startCPU) = (now(), cpuNow())
            _ = try tools.choose(
                question: question, tools: described,
                pick: features.contains(ClauseTools.feature) && described.count >= 2,
                score: features.contains(ClauseTools.unmatchedTextFeature))
            wall.append((now() - start) * 1000)
            cpu.append(cpuNow() - startCPU)
        }
        return [
            "requests": wall.count, "p50_ms": median(wall), "p90_ms": p90(wall), "cpu_p50_ms": median(cpu),
            "cpu_p90_ms": p90(cpu), "threads": BLAS.threads,
        ]
    }
}
