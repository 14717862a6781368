/// Runs every detector over a text and resolves overlaps, keeping the detection with the
/// higher-priority type (secrets over URLs over cards … over names), then the longer one.
///
/// ```swift
/// let detector = EntityDetector()
/// let found = detector.detect(in: "mail jane.doe@corp.com or call 555-201-7788")
/// found.map(\.type)   // [.email, .phone]
/// ```
public struct EntityDetector: Sendable {
    public var configuration: AnonymizerConfiguration {
        didSet { minimumConfidence = Self.minimumConfidence(configuration) }
    }
    private let structured = StructuredDetector()
    private let secrets: SecretDetector
    private let context = ContextDetector()

    public init(configuration: AnonymizerConfiguration = AnonymizerConfiguration()) {
        self.configuration = configuration
        self.secrets = SecretDetector(entropyThreshold: configuration.entropyThreshold)
        self.minimumConfidence = Self.minimumConfidence(configuration)
    }

    /// The configured threshold per type (by `ordinal`), infinite for types not looked for: one
    /// load per detection instead of a set and a dictionary lookup.
    private var minimumConfidence: [Double]

    private static func minimumConfidence(_ configuration: AnonymizerConfiguration) -> [Double] {
        EntityType.allCases.map { configuration.types.contains($0) ? configuration.threshold(for: $0) : .infinity }
    }

    /// The entities in `text`, sorted by position, not overlapping. `field` is the name of the
    /// JSON member the text is the value of, used as context.
    public func detect(in text: String, field: String? = nil) -> [DetectedEntity] {
        var text = text
        return text.withUTF8 { detect(in: $0, field: field.map { Array($0.lowercased().utf8) }) }
    }

    func detect(in bytes: UnsafeBufferPointer<UInt8>, field: [UInt8]?) -> [DetectedEntity] {
        guard bytes.count >= 3 else { return [] }
        var found: [DetectedEntity] = []
        found.reserveCapacity(8)
        let summary = ByteClass.summary(bytes)
        secrets.detect(bytes, field: field, into: &found)
        structured.detect(bytes, summary: summary, field: field, into: &found)
        if summary & ByteClass.hasUpper != 0 { context.detect(bytes, field: field, into: &found) }
        found.removeAll { $0.confidence < minimumConfidence[$0.type.ordinal] }
        return Self.resolve(found)
    }

    static func resolve(_ found: [DetectedEntity]) -> [DetectedEntity] {
        guard found.count > 1 else { return found }
        // Usually nothing overlaps: then every detection is kept, in position order, whatever the ranking.
        let byPosition = found.sorted { $0.range.lowerBound < $1.range.lowerBound }
        var disjoint = true
        var end = Int.min
        for entity in byPosition {
            if entity.range.isEmpty || entity.range.lowerBound < end {
                disjoint = false
                break
            }
            end = entity.range.upperBound
        }
        if disjoint { return byPosition }
        let ranked = found.sorted {
            if $0.type.priority != $1.type.priority { return $0.type.priority > $1.type.priority }
            return $0.range.count > $1.range.count
        }
        var kept: [DetectedEntity] = []
        for candidate in ranked where !kept.contains(where: { $0.range.overlaps(candidate.range) }) {
            kept.append(candidate)
        }
        return kept.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }
}
