import Foundation
import UnderstudyInference

/// Reading the trainer's golden files (distill/trainer/tests/golden/*.jsonl), which both engines
/// must agree on: one JSON object per line.
enum GoldenCases {
    /// The cases of the golden file at `url`, in file order.
    static func read(_ url: URL) throws -> [OrderedJSON] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { try OrderedJSON.parse(String($0)) }
    }

    /// Each of a golden case's tools' `parameters` schema by tool name.
    static func schemas(_ tools: [OrderedJSON]) -> [String: OrderedJSON] {
        var schemas: [String: OrderedJSON] = [:]
        for tool in tools { if case .string(let name)? = tool["name"] { schemas[name] = tool["parameters"] } }
        return schemas
    }
}
