import Foundation
import UnderstudyArchive

/// The confidence each cluster's specialist needs before it may answer: `replay/thresholds.json`
/// written by `understudy replay` (the threshold that keeps its error under target on held-out
/// traffic). A cluster without a threshold never answers under `on` or `canary`.
///
/// ```swift
/// let thresholds = try ThresholdTable(runDirectory: runURL)
/// thresholds.threshold(for: "c003")   // 0.91, or nil
/// ```
public struct ThresholdTable: Sendable, Equatable {
    public private(set) var thresholds: [String: Double]
    /// Where they came from (nil: none found).
    public let source: String?

    public init(thresholds: [String: Double] = [:], source: String? = nil) {
        self.thresholds = thresholds
        self.source = source
    }

    /// Reads `RUN/replay/thresholds.json`; an empty table when replay has not run.
    public init(runDirectory: URL) throws {
        let url = runDirectory.appendingPathComponent("replay/thresholds.json")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            self.init()
            return
        }
        let root: JSONValue
        do {
            root = try JSONValue(parsing: [UInt8](data))
        } catch {
            throw RouterError("\(url.path) is not valid JSON (\(error.reason) at byte \(error.offset)); rerun `understudy replay`")
        }
        var table: [String: Double] = [:]
        for entry in root["clusters"]?.arrayValue ?? [] {
            guard let id = entry["cluster"]?.stringValue, let threshold = entry["threshold"]?.doubleValue else { continue }
            if entry["specialist"]?.boolValue == false { continue }
            table[id] = threshold
        }
        self.init(thresholds: table, source: url.path)
    }

    public func threshold(for cluster: String) -> Double? { thresholds[cluster] }

    /// Overrides one cluster's threshold (`[serve.thresholds]` in understudy.toml).
    public mutating func set(_ threshold: Double, for cluster: String) { thresholds[cluster] = threshold }
}
