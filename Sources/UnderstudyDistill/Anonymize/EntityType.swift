/// The kinds of personal data and secrets the anonymizer finds. Raw values are the names used in
/// `stage1.json` and in placeholder tags (`<EMAIL_1>`).
public enum EntityType: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case email = "EMAIL"
    case phone = "PHONE"
    case creditCard = "CREDIT_CARD"
    case iban = "IBAN"
    case usSSN = "US_SSN"
    case ipAddress = "IP_ADDRESS"
    case macAddress = "MAC_ADDRESS"
    /// A URL that carries credentials (`user:pass@`) or a token in its query.
    case credentialURL = "URL"
    /// API keys, access tokens, JWTs, private keys, passwords.
    case secret = "SECRET"
    case person = "PERSON"
    case streetAddress = "ADDRESS"

    /// Which detection wins when two overlap: secrets first (leaking one is the worst outcome),
    /// then checksummed and strongly shaped values, then the context-based guesses.
    var priority: Int {
        switch self {
        case .secret: return 100
        case .credentialURL: return 90
        case .creditCard: return 80
        case .iban: return 75
        case .email: return 70
        case .usSSN: return 65
        case .macAddress: return 60
        case .ipAddress: return 55
        case .phone: return 50
        case .streetAddress: return 30
        case .person: return 20
        }
    }

    /// The position in `allCases`, for tables indexed by type.
    var ordinal: Int {
        switch self {
        case .email: return 0
        case .phone: return 1
        case .creditCard: return 2
        case .iban: return 3
        case .usSSN: return 4
        case .ipAddress: return 5
        case .macAddress: return 6
        case .credentialURL: return 7
        case .secret: return 8
        case .person: return 9
        case .streetAddress: return 10
        }
    }

    /// Entities found by shape and checksum, as opposed to names and addresses found by context.
    public var isStructured: Bool { self != .person && self != .streetAddress }

    public static func < (lhs: EntityType, rhs: EntityType) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One entity found in a text: its type, where it is (UTF-8 byte offsets) and how sure the
/// detector is (1 for checksummed or prefixed values, lower for context-based guesses).
public struct DetectedEntity: Sendable, Hashable {
    public var type: EntityType
    public var range: Range<Int>
    public var confidence: Double

    public init(type: EntityType, range: Range<Int>, confidence: Double = 1) {
        self.type = type
        self.range = range
        self.confidence = confidence
    }
}
