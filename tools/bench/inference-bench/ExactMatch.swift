import Foundation
import UnderstudyInference

/// `inference-bench exact SPECIALIST_DIR SPLIT.jsonl [LIMIT]`: held-out exact tool-call match of
/// the in-process Swift specialist (what replay and serve see): each line of a trainer split
/// (docs/formats.md) is answered with its own tools when it has them, and compared with its
/// target as distill/trainer/evaluate.py does (names and arguments, numbers by value, parallel
/// calls in any order, empty content = none).
enum ExactMatch {
    static func run(directory: URL, split: URL, limit: Int) throws -> [String: Any] {
        let specialist = try Specialist(directory: directory)
        let requests = try SplitRequest.read(split, limit: limit)
        var correct = 0
        var unparsable = 0
        var latencies: [Double] = []
        var misses: [[String: Any]] = []
        var hits: [Bool] = []  // per line of the split, so the bench can score subsets (in-request answers)
        var texts: [String] = []  // per line: the generated text, for miss analysis
        for request in requests {
            hits.append(false)
            texts.append("")
            guard let request else { continue }
            let start = now()
            let answer = try specialist.answer(
                request.messages, tools: request.tools, toolDescriptions: request.toolDescriptions)
            latencies.append((now() - start) * 1000)
            texts[texts.count - 1] = answer.text
            guard let response = answer.response else {
                unparsable += 1
                continue
            }
            if key(content: response.content, calls: response.toolCalls.map { ($0.name, $0.arguments) })
                == key(request.target)
            {
                correct += 1
                hits[hits.count - 1] = true
            } else if misses.count < 5 {
                misses.append(["expected": request.target.jsonText, "got": answer.text])
            }
        }
        return [
            "examples": requests.count, "correct": correct, "unparsable": unparsable,
            "rate": requests.isEmpty ? 0 : Double(correct) / Double(requests.count), "p50_ms": median(latencies),
            "p90_ms": p90(latencies),
            "prompt_format": specialist.promptFormat, "request_tools": specialist.requestTools, "misses": misses,
            "hits": hits, "texts": texts,
        ]
    }

    static func key(_ target: OrderedJSON) -> String {
        var content: String? = nil
        if case .string(let text)? = target["content"] { content = text }
        var calls: [(String, OrderedJSON)] = []
        if case .array(let list)? = target["tool_calls"] {
            for call in list {
                guard case .string(let name)? = call["name"] else { continue }
                calls.append((name, call["arguments"] ?? .object([])))
            }
        }
        return key(content: content, calls: calls)
    }

    static func key(content: String?, calls: [(String, OrderedJSON)]) -> String {
        let rendered = calls.map { "\($0.0)\u{0}\(canonical($0.1))" }.sorted()
        return ((content?.isEmpty ?? true) ? "" : content!) + "\u{1}" + rendered.joined(separator: "\u{1}")
    }

    /// Sorted keys, numbers by value, null arguments as {}.
    static func canonical(_ value: OrderedJSON) -> String {
        switch value {
        case .object(let members):
            return "{" + members.sorted { $0.key < $1.key }.map { "\($0.key):\(canonical($0.value))" }
                .joined(separator: ",") + "}"
        case .array(let items): return "[" + items.map(canonical).joined(separator: ",") + "]"
        case .number(let text): return Double(text).map { "\($0)" } ?? text
        case .null: return "null"
        default: return value.jsonText
        }
    }
}
