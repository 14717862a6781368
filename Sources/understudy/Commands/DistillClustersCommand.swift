import ArgumentParser
import Foundation
import UnderstudyArchive

/// `understudy distill clusters`: the table of a run's tasks.
struct DistillClustersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clusters",
        abstract: "Show the tasks found in a run: id, label, size, traffic and cost shares, top tools.",
        discussion: """
            Example:
              understudy distill clusters --run r1
              understudy distill clusters --run r1 --json | jq '.clusters[0]'
            """)

    @Option(help: "Name of the run.") var run: String
    @Option(help: "Folder holding runs (default [distill] runs of understudy.toml, else distill/runs).") var runs: String?
    @Option(help: "Settings file (default ./understudy.toml when present).") var config: String?
    @Flag(help: "Print clusters.json as is.") var json = false

    func run() async throws {
        let folder = try runs ?? UnderstudyConfiguration.load(path: config).distill.runs ?? "distill/runs"
        let index = try ClusterIndex.load(run: URL(fileURLWithPath: folder).appendingPathComponent(run))
        if json {
            var copy = index
            // Centroids are for machines; they drown the listing.
            if var clusters = copy["clusters"]?.arrayValue {
                for i in clusters.indices { clusters[i].remove("centroid") }
                copy.set("clusters", .array(clusters))
            }
            print(copy.serialized())
        } else {
            print(ClusterTable.render(index))
        }
    }
}

/// Reads a run's clusters.json.
enum ClusterIndex {
    static func load(run: URL) throws -> JSONValue {
        let file = run.appendingPathComponent("clusters.json")
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw CLIError("\(file.path) does not exist: run `understudy distill cluster --run \(run.lastPathComponent)` first")
        }
        do { return try JSONValue(parsing: Array(data)) } catch {
            throw CLIError("\(file.path) is not valid JSON (\(error)); re-run `understudy distill cluster`")
        }
    }
}

/// The cluster table shared by `distill cluster` and `distill clusters`.
enum ClusterTable {
    static func render(_ index: JSONValue) -> String {
        let clusters = index["clusters"]?.arrayValue ?? []
        var rows = clusters.map { c -> [String] in
            [
                c["id"]?.stringValue ?? "", String((c["label"]?.stringValue ?? "").prefix(48)),
                String(c["size"]?.intValue ?? 0), percent(c["traffic_share"]?.doubleValue ?? 0),
                percent(c["cost_share"]?.doubleValue ?? 0),
                (c["tool_names"]?.arrayValue ?? []).prefix(3).compactMap(\.stringValue).joined(separator: ", "),
            ]
        }
        let noise = index["noise"]
        rows.append(["noise", "(stays on the big model)", String(noise?["size"]?.intValue ?? 0),
                     percent(noise?["traffic_share"]?.doubleValue ?? 0), "", ""])
        return CLITable(["id", "label", "size", "traffic", "cost", "top tools"], rows).rendered
    }
}
