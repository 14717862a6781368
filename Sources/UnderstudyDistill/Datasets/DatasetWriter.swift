import Foundation
import UnderstudyArchive

/// Writes what the trainer and the router need from clustering: `clusters.json` (every cluster
/// with its label, shares, centroid and routing radius, plus the noise left on the big model),
/// `assignments.jsonl`, and per cluster `cluster.json`, the trainer's `train|val|test.jsonl` and
/// OpenAI fine-tune JSONL under `openai/` (formats in docs/formats.md).
public struct DatasetWriter: Sendable {
    public var split: ConversationSplit

    public init(split: ConversationSplit = ConversationSplit()) {
        self.split = split
    }

    /// Counts per cluster and split, for summaries.
    public struct Summary: Sendable {
        public var clusters: [(id: String, train: Int, val: Int, test: Int)]
        public var noise: Int
    }

    /// - Parameters:
    ///   - examples: one per clustering candidate, in the same order.
    @discardableResult
    public func write(to run: URL, clustering: ClusteringResult, examples: [DatasetExample]) throws -> Summary {
        precondition(examples.count == clustering.assignments.count, "one example per clustered candidate")
        let clustersDirectory = run.appendingPathComponent("clusters")
        try RunFiles.makeDirectory(clustersDirectory)
        var summary = Summary(clusters: [], noise: clustering.noiseCount)
        var index: [JSONValue] = []
        for cluster in clustering.clusters {
            let members = cluster.members.map { examples[$0] }
            let system = Self.mostCommon(members.map { $0.system.map(JSONValue.string) ?? .null })
            let tools = Self.mostCommon(members.map { JSONValue.array($0.tools) })
            let prefixHash = Self.mostCommon(members.map { JSONValue.string($0.prefixHash) }).stringValue ?? ""
            let parts = split.assign(Set(members.map(\.conversation)))
            var lines: [ConversationSplit.Part: [UInt8]] = [:]
            var openAI: [ConversationSplit.Part: [UInt8]] = [:]
            var counts: [ConversationSplit.Part: Int] = [:]
            for example in members.sorted(by: { $0.id < $1.id }) {
                let part = parts[example.conversation] ?? .train
                counts[part, default: 0] += 1
                example.trainerLine(clusterTools: tools.arrayValue ?? []).write(to: &lines[part, default: []])
                lines[part]!.append(0x0A)
                example.openAILine().write(to: &openAI[part, default: []])
                openAI[part]!.append(0x0A)
            }
            let directory = clustersDirectory.appendingPathComponent(cluster.id)
            try RunFiles.makeDirectory(directory.appendingPathComponent("openai"))
            for part in ConversationSplit.Part.allCases {
                try RunFiles.write(lines[part] ?? [], to: directory.appendingPathComponent("\(part.rawValue).jsonl"))
                try RunFiles.write(openAI[part] ?? [], to: directory.appendingPathComponent("openai/\(part.rawValue).jsonl"))
            }
            var description = Self.describe(cluster)
            description.set("prefix_hash", .string(prefixHash))
            description.set("system", system)
            description.set("tools", tools)
            description.set("splits", [
                "train": .int(counts[.train] ?? 0), "val": .int(counts[.val] ?? 0), "test": .int(counts[.test] ?? 0),
            ])
            try RunFiles.write(description.serializedBytes(), to: directory.appendingPathComponent("cluster.json"))
            var entry = Self.describe(cluster)
            entry.set("prefix_hash", .string(prefixHash))
            entry.set("centroid", .array(cluster.centroid.map { .double(Double($0)) }))
            index.append(entry)
            summary.clusters.append((cluster.id, counts[.train] ?? 0, counts[.val] ?? 0, counts[.test] ?? 0))
        }
        let noiseMembers = clustering.assignments.indices.filter { clustering.assignments[$0] < 0 }
        let totalCount = max(1, examples.reduce(0) { $0 + $1.weight })
        let noiseCount = noiseMembers.reduce(0) { $0 + examples[$1].weight }
        let root: JSONValue = [
            "format": 1, "embedder": .string(clustering.embedder), "algorithm": .string(clustering.algorithm.rawValue),
            "clusters": .array(index),
            "noise": ["size": .int(noiseMembers.count), "count": .int(noiseCount),
                      "traffic_share": .double(Double(noiseCount) / Double(totalCount))],
        ]
        try RunFiles.write(root.serializedBytes(), to: run.appendingPathComponent("clusters.json"))
        var assignments: [UInt8] = []
        for (i, example) in examples.enumerated() {
            let c = clustering.assignments[i]
            let line: JSONValue = [
                "id": .string(example.id), "cluster": c >= 0 ? .string(clustering.clusters[c].id) : .null,
            ]
            line.write(to: &assignments)
            assignments.append(0x0A)
        }
        try RunFiles.write(assignments, to: run.appendingPathComponent("assignments.jsonl"))
        return summary
    }

    static func describe(_ cluster: TaskCluster) -> JSONValue {
        func rounded(_ x: Double) -> JSONValue { .double((x * 1_000_000).rounded() / 1_000_000) }
        return [
            "format": 1, "id": .string(cluster.id), "label": .string(cluster.label),
            "size": .int(cluster.members.count), "count": .int(cluster.count),
            "traffic_share": rounded(cluster.trafficShare), "cost_share": rounded(cluster.costShare),
            "cost": rounded(cluster.cost), "top_terms": .array(cluster.topTerms.map(JSONValue.string)),
            "tool_names": .array(cluster.toolNames.map(JSONValue.string)), "radius": .double(Double(cluster.radius)),
            "tools_offered": .array(cluster.offered.map { .string($0.rawValue) }),
            "answers": .array(cluster.answers.map { .string($0.rawValue) }),
        ]
    }

    static func mostCommon(_ values: [JSONValue]) -> JSONValue {
        var counts: [JSONValue: Int] = [:]
        for v in values { counts[v, default: 0] += 1 }
        return counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key.serialized() > $1.key.serialized() }?.key ?? .null
    }
}
