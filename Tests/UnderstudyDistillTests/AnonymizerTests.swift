import Testing
import UnderstudyArchive
import UnderstudyDistill

struct AnonymizerTests {
    let anonymizer = Anonymizer(configuration: AnonymizerConfiguration(key: Array("test-key-0123456789abcdef".utf8)))

    static let planted: [(EntityType, String)] = [
        (.email, "maria.gonzalez@acme-corp.com"), (.phone, "(415) 555-0132"), (.creditCard, "4111 1111 1111 1111"),
        (.iban, "DE89370400440532013000"), (.usSSN, "123-45-6789"), (.ipAddress, "10.20.30.40"),
        (.macAddress, "00:1a:2b:3c:4d:5e"), (.secret, "sk-proj-Zx81KqL0pRt5VwY2mN7bC4dE6fG"),
        (.secret, "AKIAIOSFODNN7EXAMPLE"), (.secret, "ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5"),
        (.credentialURL, "https://admin:Tr0ub4dor@db.internal.example.com/prod"),
    ]

    @Test func everyPlantedValueIsReplacedBySameTypeSurrogate() throws {
        let detector = EntityDetector()
        for (type, value) in Self.planted {
            var scope = PseudonymScope(conversation: "c")
            let out = anonymizer.anonymize(text: "value: \(value) end", scope: &scope)
            #expect(!out.contains(value), "\(type) survived: \(out)")
            let surrogate = String(out.dropFirst("value: ".count).dropLast(" end".count))
            #expect(
                detector.detect(in: "value: \(surrogate) end").map(\.type) == [type],
                "surrogate \(surrogate) is not a \(type)")
            #expect(scope.counts[type] == 1)
        }
    }

    @Test func surrogatesKeepShape() {
        var scope = PseudonymScope(conversation: "c")
        let card = anonymizer.anonymize(text: "4111-1111-1111-1111", scope: &scope)
        #expect(card.count == 19 && card.split(separator: "-").map(\.count) == [4, 4, 4, 4])
        let key = anonymizer.anonymize(text: "key sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv-123", scope: &scope)
        #expect(key.hasPrefix("key sk-ant-") && key.count == "key sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv-123".count)
        let email = anonymizer.anonymize(text: "jane@corp.com", scope: &scope)
        #expect(email.contains("@") && email != "jane@corp.com")
    }

    @Test func sameValueSameSurrogateAcrossTheConversationIncludingTheResponse() {
        var scope = PseudonymScope(conversation: "c1")
        let request = anonymizer.anonymize(
            .object([
                JSONMember("messages", [["role": "user", "content": "Email sam.lee@example.org about the refund"]])
            ]), scope: &scope)
        let response = anonymizer.anonymize(
            .object([
                JSONMember(
                    "tool_calls",
                    [["name": "send_email", "arguments": #"{"to":"sam.lee@example.org","cc":["x@y.com"]}"#]])
            ]),
            scope: &scope)
        let asked = request.serialized()
        let answered = response.serialized()
        #expect(!asked.contains("sam.lee@example.org") && !answered.contains("sam.lee@example.org"))
        let surrogate = try? JSONValue(parsing: response["tool_calls"]?[0]?["arguments"]?.stringValue ?? "")["to"]?
            .stringValue
        #expect(surrogate != nil && asked.contains(surrogate!))
        // Another run with the same key gives the same surrogate: no state to keep.
        var other = PseudonymScope(conversation: "c2")
        #expect(anonymizer.anonymize(text: "sam.lee@example.org", scope: &other) == surrogate!)
    }

    @Test func placeholderModeNumbersPerConversation() {
        let placeholders = Anonymizer(configuration: AnonymizerConfiguration(mode: .placeholder))
        var scope = PseudonymScope(conversation: "c")
        let out = placeholders.anonymize(text: "a@x.com, b@x.com, then a@x.com again; call 415-555-0132", scope: &scope)
        #expect(out == "<EMAIL_1>, <EMAIL_2>, then <EMAIL_1> again; call <PHONE_1>")
        #expect(scope.counts[.email] == 3 && scope.counts[.phone] == 1)
    }

    @Test func augmentationVariantsRedrawSurrogates() {
        var base = PseudonymScope(conversation: "c", variant: 0)
        var variant = PseudonymScope(conversation: "c", variant: 1)
        let a = anonymizer.anonymize(text: "mail ann@corp.com", scope: &base)
        let b = anonymizer.anonymize(text: "mail ann@corp.com", scope: &variant)
        #expect(a != b && !b.contains("ann@corp.com"))
        #expect(anonymizer.anonymize(text: "cc ann@corp.com", scope: &variant) == "cc " + b.dropFirst(5))
    }

    @Test func randomJSONWithPlantedEntitiesStaysValidAndLosesEveryKey() throws {
        var rng = SystemRandomNumberGenerator()
        let fillers = [
            "hello", "a \"quoted\" word", "tab\there", "line\nbreak", "back\\slash", "ünïcødé ✓", "{not json", "[1, 2",
        ]
        func randomValue(_ depth: Int) -> JSONValue {
            switch Int.random(in: 0..<(depth > 3 ? 4 : 7), using: &rng) {
            case 0: return .number(String(Int.random(in: -1000...1000, using: &rng)))
            case 1: return .bool(Bool.random(using: &rng))
            case 2: return .null
            case 3:
                let (_, value) = Self.planted.randomElement(using: &rng)!
                return .string("\(fillers.randomElement(using: &rng)!) \(value) \(fillers.randomElement(using: &rng)!)")
            case 4: return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in randomValue(depth + 1) })
            case 5: return .string(randomValue(depth + 1).serialized())  // JSON inside a string, like tool arguments
            default:
                return .object(
                    (0..<Int.random(in: 0...4, using: &rng)).map {
                        JSONMember(["to", "name", "q", "body", "api_key"][$0 % 5], randomValue(depth + 1))
                    })
            }
        }
        for _ in 0..<300 {
            let value = randomValue(0)
            var scope = PseudonymScope(conversation: "fuzz")
            let out = anonymizer.anonymize(value, scope: &scope).serialized()
            #expect(JSONValue.isValid(Array(out.utf8)), "broken JSON: \(out)")
            for (type, planted) in Self.planted where type == .secret {
                #expect(!out.contains(planted), "key survived in \(out)")
            }
        }
    }

    @Test func keysAndNumbersAreNeverTouched() {
        var scope = PseudonymScope(conversation: "c")
        let value: JSONValue = ["jane@corp.com": 4155550132, "n": .number("1.50")]
        #expect(anonymizer.anonymize(value, scope: &scope) == value)
    }

    /// Conversation ids are HMAC-SHA256(key, part ‖ 0 ‖ …) as documented, so ids (and the dataset
    /// splits grouped by them) stay the same across versions for the same key. Expected values
    /// from Python's `hmac` module; the second key is longer than SHA-256's 64-byte block.
    @Test func keyedIDsAreTheDocumentedHMAC() {
        let short = Anonymizer(configuration: AnonymizerConfiguration(key: Array("test-key-0123456789abcdef".utf8)))
        #expect(short.keyedID(["prefix-hash", "hello world"]) == "e62c7266fc906d41ee105ebbc65c116a")
        let long = Anonymizer(configuration: AnonymizerConfiguration(key: Array(repeating: UInt8(ascii: "k"), count: 100)))
        #expect(long.keyedID(["prefix-hash", "hello world"]) == "8b9b0764c29e6dc19ce07c8007d9eda1")
    }
}
