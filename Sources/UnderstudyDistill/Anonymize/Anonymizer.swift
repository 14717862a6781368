import UnderstudyArchive

/// Replaces personal data and secrets in text and in JSON string values, never in keys or
/// structure, so what was valid JSON stays valid JSON. JSON carried inside strings (tool-call
/// arguments) is parsed, anonymized recursively and re-serialised.
///
/// ```swift
/// let anonymizer = Anonymizer(configuration: AnonymizerConfiguration(key: key))
/// var scope = PseudonymScope(conversation: "c1")
/// let clean = anonymizer.anonymize(text: "write to jane@corp.com", scope: &scope)
/// // "write to laura.chen42@example.net"; the same input gives the same surrogate in scope
/// ```
public struct Anonymizer: Sendable {
    public let configuration: AnonymizerConfiguration
    let detector: EntityDetector
    let surrogates: SurrogateGenerator

    public init(configuration: AnonymizerConfiguration = AnonymizerConfiguration()) {
        self.configuration = configuration
        self.detector = EntityDetector(configuration: configuration)
        self.surrogates = SurrogateGenerator(key: configuration.key)
    }

    /// A keyed, hex-encoded digest of `parts` (16 bytes): ids derived from content that must not
    /// be reversible by guessing the content, such as conversation ids.
    public func keyedID(_ parts: [String]) -> String {
        surrogates.digest(parts).prefix(16).map { TextFormat.hex($0) }.joined()
    }

    /// `text` with every detected entity replaced. `field` names the JSON member holding it.
    public func anonymize(text: String, field: String? = nil, scope: inout PseudonymScope) -> String {
        var bytes = text
        let fieldBytes = field.map { Array($0.lowercased().utf8) }
        let replaced = bytes.withUTF8 { bytes -> String? in
            let entities = detector.detect(in: bytes, field: fieldBytes)
            // Most strings hold no entity: hand back the original rather than a copy.
            guard !entities.isEmpty else { return nil }
            var out = [UInt8]()
            out.reserveCapacity(bytes.count + 16 * entities.count)
            var cursor = 0
            for entity in entities {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[cursor..<entity.range.lowerBound]))
                let value = String(decoding: UnsafeBufferPointer(rebasing: bytes[entity.range]), as: UTF8.self)
                out.append(contentsOf: replacement(for: value, type: entity.type, scope: &scope).utf8)
                cursor = entity.range.upperBound
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[cursor...]))
            return String(decoding: out, as: UTF8.self)
        }
        return replaced ?? text
    }

    /// `value` with every string value anonymized; keys, numbers and structure unchanged.
    public func anonymize(_ value: JSONValue, field: String? = nil, scope: inout PseudonymScope) -> JSONValue {
        switch value {
        case .string(let s):
            return .string(anonymizeString(s, field: field, scope: &scope))
        case .array(let elements):
            return .array(elements.map { anonymize($0, field: field, scope: &scope) })
        case .object(let members):
            return .object(members.map { JSONMember($0.key, anonymize($0.value, field: $0.key, scope: &scope)) })
        case .null, .bool, .number:
            return value
        }
    }

    private func anonymizeString(_ s: String, field: String?, scope: inout PseudonymScope) -> String {
        // JSON inside a string (tool-call arguments): anonymize its values, keep it JSON.
        if let first = s.utf8.first(where: { !ByteClass.isSpace($0) }), first == 0x7B || first == 0x5B,
            s.utf8.count >= 2,
            let inner = try? JSONValue(parsing: s)
        {
            let cleaned = anonymize(inner, field: field, scope: &scope)
            return cleaned == inner ? s : cleaned.serialized()
        }
        return anonymize(text: s, field: field, scope: &scope)
    }

    func replacement(for value: String, type: EntityType, scope: inout PseudonymScope) -> String {
        scope.counts.add(type)
        if let known = scope.replacement(of: type, value) { return known }
        let replacement: String
        switch configuration.mode {
        case .placeholder:
            let number = scope.placeholderNumbers[type.ordinal] + 1
            scope.placeholderNumbers[type.ordinal] = number
            replacement = "<\(type.rawValue)_\(number)>"
        case .surrogate:
            let salt = scope.variant == 0 ? "" : "\(scope.variant)\u{0}\(scope.conversation)"
            replacement = surrogates.surrogate(for: value, type: type, salt: salt)
        }
        scope.remember(type, value, as: replacement)
        return replacement
    }
}
