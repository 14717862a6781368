import Foundation

/// Turns the trainer's JSON progress events into one human line each.
struct TrainProgress {
    private(set) var clustersSeen: [String] = []
    private(set) var lastError: String?

    mutating func line(for event: [String: Any]) -> String? {
        let cluster = event["cluster"] as? String ?? "?"
        switch event["event"] as? String {
        case "start":
            clustersSeen.append(cluster)
            let parameters = (event["parameters"] as? Double).map { String(format: "%.1fM", $0 / 1e6) } ?? "?"
            return "[\(cluster)] training \(event["recipe"] ?? "?"): \(event["train"] ?? 0) train / "
                + "\(event["val"] ?? 0) val / \(event["test"] ?? 0) test examples, \(parameters) parameters"
        case "step":
            let loss = Self.number(event["loss"])
            let val = Self.number(event["val_loss"])
            let tokens = (event["tokens"] as? Double).map { String(format: "%.0fk", $0 / 1000) } ?? "?"
            let elapsed = Self.number(event["elapsed"], digits: 0)
            return "[\(cluster)] step \(event["step"] ?? "?")  loss \(loss)  val \(val)  tokens \(tokens)  \(elapsed)s"
        case "done":
            var match = "not evaluated"
            if let exact = event["exact_match"] as? [String: Any], let rate = exact["rate"] as? Double {
                match = String(format: "%.1f%% exact (%@/%@ held out)", rate * 100,
                               "\(exact["correct"] ?? 0)", "\(exact["examples"] ?? 0)")
            }
            return "[\(cluster)] done: \(event["steps"] ?? "?") steps, val loss \(Self.number(event["val_loss"])), "
                + "\(match), \(Self.number(event["wall_seconds"], digits: 0))s"
        case "skip":
            clustersSeen.append(cluster)
            return "[\(cluster)] skipped: \(event["reason"] ?? "")"
        case "error":
            lastError = event["message"] as? String
            return nil
        default:
            return nil
        }
    }

    static func number(_ value: Any?, digits: Int = 3) -> String {
        guard let value = value as? Double else { return "-" }
        return String(format: "%.\(digits)f", value)
    }
}

/// The summary table printed after training, from train.json.
enum TrainSummaryTable {
    static func render(_ data: Data, only clusters: Set<String>) throws -> String {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let entries = object["clusters"] as? [[String: Any]]
        else { throw CLIError("train.json is not a training summary") }
        var rows = [["cluster", "status", "steps", "val loss", "exact match", "wall s", "note"]]
        for entry in entries {
            let cluster = entry["cluster"] as? String ?? "?"
            if !clusters.isEmpty && !clusters.contains(cluster) { continue }
            var match = "-"
            if let exact = entry["exact_match"] as? [String: Any], let rate = exact["rate"] as? Double {
                match = String(format: "%.1f%% (%@)", rate * 100, "\(exact["examples"] ?? 0)")
            }
            let trained = entry["status"] as? String == "trained"
            rows.append([
                cluster, entry["status"] as? String ?? "?", trained ? "\(entry["steps"] ?? "-")" : "-",
                trained ? TrainProgress.number(entry["val_loss"]) : "-", match,
                trained ? TrainProgress.number(entry["wall_seconds"], digits: 0) : "-",
                trained ? (entry["specialist"] as? String ?? "") : (entry["reason"] as? String ?? ""),
            ])
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
