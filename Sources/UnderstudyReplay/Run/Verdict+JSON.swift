import UnderstudyArchive

extension Verdict {
    /// Version of the verdict line format.
    public static let format = 1

    public var json: JSONValue {
        var line: JSONValue = [
            "format": .int(Self.format), "id": .string(id), "cluster": .string(cluster), "split": .string(split),
            "weight": .int(weight), "status": .string(status.rawValue), "comparator": .string(comparator.rawValue),
            "reason": .string(reason),
        ]
        if let cost { line.set("cost", .double(cost)) }
        if let model { line.set("model", .string(model)) }
        if matchedAlternative { line.set("matched_alternative", true) }
        if let confidence { line.set("confidence", .double(confidence)) }
        if let minimumLogProbability { line.set("min_logprob", .double(minimumLogProbability)) }
        if let meanLogProbability { line.set("mean_logprob", .double(meanLogProbability)) }
        if let latencyMilliseconds { line.set("latency_ms", .double((latencyMilliseconds * 1000).rounded() / 1000)) }
        if let cpuSeconds { line.set("cpu_s", .double(cpuSeconds)) }
        if let promptTokens { line.set("prompt_tokens", .int(promptTokens)) }
        if let completionTokens { line.set("completion_tokens", .int(completionTokens)) }
        if let note { line.set("note", .string(note)) }
        if let selfAgreement {
            line.set("self_agreement", ["agreeing": .int(selfAgreement.agreeing), "total": .int(selfAgreement.total)])
        }
        line.set("excerpt", .string(excerpt))
        line.set("expected", expected)
        line.set("answer", answer ?? .null)
        return line
    }

    public init(json line: JSONValue) throws {
        guard let id = line["id"]?.stringValue, let cluster = line["cluster"]?.stringValue,
            let status = line["status"]?.stringValue.flatMap(Status.init(rawValue:)),
            let comparator = line["comparator"]?.stringValue.flatMap(ComparatorKind.init(rawValue:))
        else { throw ReplayError("a verdict line needs id, cluster, status and comparator") }
        let agreement = line["self_agreement"].flatMap { value -> SelfAgreement? in
            guard let a = value["agreeing"]?.intValue, let t = value["total"]?.intValue else { return nil }
            return SelfAgreement(agreeing: a, total: t)
        }
        let answer = line["answer"]
        self.init(
            id: id, cluster: cluster, split: line["split"]?.stringValue ?? "test", weight: line["weight"]?.intValue ?? 1,
            cost: line["cost"]?.doubleValue, model: line["model"]?.stringValue, status: status,
            comparator: comparator, reason: line["reason"]?.stringValue ?? "",
            matchedAlternative: line["matched_alternative"]?.boolValue ?? false,
            confidence: line["confidence"]?.doubleValue, minimumLogProbability: line["min_logprob"]?.doubleValue,
            meanLogProbability: line["mean_logprob"]?.doubleValue, latencyMilliseconds: line["latency_ms"]?.doubleValue,
            cpuSeconds: line["cpu_s"]?.doubleValue, promptTokens: line["prompt_tokens"]?.intValue,
            completionTokens: line["completion_tokens"]?.intValue, note: line["note"]?.stringValue,
            selfAgreement: agreement, excerpt: line["excerpt"]?.stringValue ?? "", expected: line["expected"] ?? .null,
            answer: answer?.isNull == true ? nil : answer)
    }

    /// Reads a `verdicts.jsonl` file.
    public static func read(contentsOf bytes: [UInt8], path: String) throws -> [Verdict] {
        var out: [Verdict] = []
        var number = 0
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
            number += 1
            do {
                out.append(try Verdict(json: try JSONValue(parsing: line)))
            } catch {
                throw ReplayError("\(path):\(number): not a verdict line: \(error)")
            }
        }
        return out
    }
}
