import Crypto
import Foundation
import UnderstudyArchive
import UnderstudyInference
import UnderstudyWire

/// Distillation stage two: from the corpus of stage one to tasks and their datasets. Writes
/// `clusters.json`, `assignments.jsonl`, `clusters/ID/…` and `stage2.json` into the run.
///
/// ```swift
/// let stage = ClusterStage(embedder: try EmbedderChoice.make(modelPath: nil, allowHashing: true).embedder)
/// let summary = try stage.run(entries: try Corpus.read(run: "r1"), runDirectory: runURL)
/// ```
public struct ClusterStage: Sendable {
    public var clustering: ClusteringConfiguration
    public var split: ConversationSplit
    public var embedder: any SentenceEmbedder

    public init(
        clustering: ClusteringConfiguration = ClusteringConfiguration(), split: ConversationSplit = ConversationSplit(),
        embedder: any SentenceEmbedder
    ) {
        self.clustering = clustering
        self.split = split
        self.embedder = embedder
    }

    public struct Summary: Sendable {
        public var clustering: ClusteringResult
        public var datasets: DatasetWriter.Summary
        /// Corpus entries not clustered (unknown provider, no response) and augmentation variants.
        public var skipped: Int
        public var seconds: Double
        public var json: JSONValue {
            [
                "format": 1, "embedder": .string(clustering.embedder), "algorithm": .string(clustering.algorithm.rawValue),
                "clusters": .int(clustering.clusters.count), "noise": .int(clustering.noiseCount),
                "skipped": .int(skipped), "seconds": .double((seconds * 1000).rounded() / 1000),
            ]
        }
    }

    /// - Parameter exportEmbeddings: when given, writes `{"id", "vector"}` JSONL of every clustered
    ///   call there (for evaluation against other clustering tools on the same vectors).
    public func run(entries: [CorpusEntry], runDirectory: URL, exportEmbeddings: URL? = nil) throws -> Summary {
        let started = Date()
        let usable = entries.filter(Self.isClusterable)
        let result = try TaskClusterer(configuration: clustering, embedder: embedder)
            .cluster(usable.map(Self.candidate))
        let datasets = try DatasetWriter(split: split)
            .write(to: runDirectory, clustering: result, examples: usable.map(Self.example))
        if let exportEmbeddings {
            var out: [UInt8] = []
            for (i, entry) in usable.enumerated() {
                let line: JSONValue = ["id": .string(entry.id), "vector": .array(result.vectors[i].map { .double(Double($0)) })]
                line.write(to: &out)
                out.append(0x0A)
            }
            try RunFiles.write(out, to: exportEmbeddings)
        }
        let summary = Summary(clustering: result, datasets: datasets, skipped: entries.count - usable.count,
                              seconds: Date().timeIntervalSince(started))
        try RunFiles.write(summary.json.serializedBytes(), to: runDirectory.appendingPathComponent("stage2.json"))
        return summary
    }

    /// Whether an entry takes part in clustering: trainable, answered, and not an augmentation variant.
    public static func isClusterable(_ entry: CorpusEntry) -> Bool {
        entry.trainable && entry.response != nil && entry.variant == 0
    }

    /// The structural signature and embedding text of a corpus entry.
    public static func candidate(_ entry: CorpusEntry) -> ClusterCandidate {
        let signature = TaskSignature(
            api: entry.api, model: entry.model ?? "", systemHash: systemHash(entry.prefix.system),
            toolNames: entry.prefix.tools.map(\.name))
        return ClusterCandidate(id: entry.id, signature: signature, text: text(of: entry.varying),
                                count: entry.count, cost: entry.costUSD, conversation: entry.conversation,
                                answer: CallShape.Answer(entry.response))
    }

    public static func example(_ entry: CorpusEntry) -> DatasetExample {
        DatasetExample(
            id: entry.id, conversation: entry.conversation, weight: entry.count,
            messages: entry.varying.map(\.json), target: (entry.response ?? CanonicalResponse()).json,
            system: entry.prefix.system, tools: entry.prefix.tools.map(\.json), prefixHash: entry.prefixHash)
    }

    /// Hash of the masked system prompt alone: the agent, whatever tools it offers.
    public static func systemHash(_ system: String?) -> String {
        guard let system else { return "none" }
        return SHA256.hash(data: Array(PrefixMasker.mask(system).utf8)).prefix(12)
            .map { String(format: "%02x", $0) }.joined()
    }

    /// The conversation as plain text for embedding: user turns in full, tool calls by name,
    /// tool results shortened (they are data, not the task).
    public static func text(of messages: [CanonicalMessage]) -> String {
        messages.map { message -> String in
            switch message.role {
            case .user: return "user: " + (message.content ?? "")
            case .assistant:
                let calls = message.toolCalls.map(\.name).joined(separator: " ")
                return "assistant: " + (message.content ?? "") + (calls.isEmpty ? "" : " calls " + calls)
            case .tool: return "tool: " + String((message.content ?? "").prefix(120))
            }
        }.joined(separator: "\n")
    }
}

/// Which sentence embedder a run uses: MiniLM when its files are found, else (when allowed) the
/// hashing embedder, with a warning saying why.
public enum EmbedderChoice {
    public static func make(modelPath: String?, allowHashing: Bool, searchFrom: URL? = nil) throws
        -> (embedder: any SentenceEmbedder, warning: String?)
    {
        do {
            let directory = try EmbeddingModelLocator.locate(explicit: modelPath, searchFrom: searchFrom)
            return (try MiniLMEmbedder(modelDirectory: directory), nil)
        } catch {
            guard allowHashing, modelPath == nil else { throw error }
            return (HashingEmbedder(), "no embedding model (\(error)); using the hashing embedder")
        }
    }
}
