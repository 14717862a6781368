import Foundation

/// How the anonymizer replaces what it finds.
public enum AnonymizationMode: String, Sendable, CaseIterable, Codable {
    /// A realistic value of the same type and shape, the same everywhere for the same input
    /// (keyed HMAC), so a model can still learn to copy values from prompt to answer.
    case surrogate
    /// A typed tag numbered per conversation: `<EMAIL_1>`, `<PERSON_2>`.
    case placeholder
}

/// Settings of the anonymizer.
///
/// ```swift
/// var configuration = AnonymizerConfiguration(key: Array("a long secret".utf8))
/// configuration.thresholds[.person] = 0.7   // fewer, surer names
/// ```
public struct AnonymizerConfiguration: Sendable {
    public var mode: AnonymizationMode
    /// The HMAC key that derives surrogates. Never written next to the data: whoever holds it
    /// can test guesses of original values against surrogates. `nil` draws a random key for this
    /// process, so surrogates are consistent within one run only.
    public var key: [UInt8]?
    /// The minimum detector confidence per entity type; names and addresses are guesses from
    /// context and come with lower confidences than checksummed values.
    public var thresholds: [EntityType: Double]
    /// Entity types to look for.
    public var types: Set<EntityType>
    /// The minimum Shannon entropy (bits per character) of a token next to a key-like word for it
    /// to count as a secret.
    public var entropyThreshold: Double

    public init(
        mode: AnonymizationMode = .surrogate,
        key: [UInt8]? = nil,
        thresholds: [EntityType: Double] = [:],
        types: Set<EntityType> = Set(EntityType.allCases),
        entropyThreshold: Double = 3.0
    ) {
        self.mode = mode
        self.key = key
        self.thresholds = thresholds
        self.types = types
        self.entropyThreshold = entropyThreshold
    }

    /// The threshold for `type`: the configured one, else 0.5.
    public func threshold(for type: EntityType) -> Double { thresholds[type] ?? 0.5 }

    /// Reads the key from, in order: `UNDERSTUDY_ANON_KEY` (the key itself), `UNDERSTUDY_ANON_KEY_FILE`
    /// or `keyFile` (a file holding it). Returns `nil` when none is set.
    public static func loadKey(keyFile: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> [UInt8]?
    {
        if let value = environment["UNDERSTUDY_ANON_KEY"], !value.isEmpty { return Array(value.utf8) }
        guard let path = keyFile ?? environment["UNDERSTUDY_ANON_KEY_FILE"], !path.isEmpty else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DistillError("cannot read the anonymization key file \(path)")
        }
        var bytes = [UInt8](data)
        while let last = bytes.last, last == 0x0A || last == 0x0D || last == 0x20 { bytes.removeLast() }
        guard bytes.count >= 16 else { throw DistillError("the anonymization key in \(path) is shorter than 16 bytes") }
        return bytes
    }
}
