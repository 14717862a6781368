import Testing
import UnderstudyWire

struct KnownKeyScannerTests {
    static func found(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        return KnownKeyScanner.ranges(in: bytes).map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    @Test func findsEachWellKnownKeyShapeInsideJSON() {
        let keys = [
            "sk-proj-Abc123def456ghi789jkl012mno", "sk-ant-api03-Zyx987wvu654tsr321qpo", "AKIAIOSFODNN7EXAMPLE",
            "ghp_0123456789abcdefghijABCDEFGHIJ0123", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstu",
            "xoxb-1234567890-abcdefghij", "AIzaSyA0123456789abcdefghijklmnopqrstu", "hf_abcdefghijklmnopqrstuvwxyz0123456",
            "glpat-abcdefghij0123456789",
        ]
        for key in keys {
            #expect(Self.found(#"{"content":"my key is \#(key), keep it"}"#) == [key], "\(key)")
        }
    }

    @Test func everyPrefixOfTheTableIsFound() {
        for (prefix, minBody) in KnownKeyScanner.prefixes {
            let key = String(decoding: prefix, as: UTF8.self) + String(repeating: "a1B2", count: minBody / 4 + 1)
            #expect(Self.found(#"{"content":"key: \#(key) and \n\#(key)"}"#) == [key, key], "\(key)")
        }
    }

    @Test func keyAfterAJSONEscapeIsFoundAndSentenceDotIsNotPartOfIt() {
        let key = "sk-proj-Abc123def456ghi789jkl012mno"
        #expect(Self.found(#"{"content":"line\n\#(key). Next"}"#) == [key])
        #expect(Self.found(#"{"content":"\u0022\#(key)\u0022"}"#) == [key])
    }

    @Test func ordinaryWordsWithKeyPrefixesAreNotKeys() {
        let text = #"{"content":"task-list sk-short risk-assessment-of-the-whole-quarter askAKIAIOSFODNN7EXAMPLE ghp_short"}"#
        #expect(Self.found(text).isEmpty)
    }

    @Test func pemPrivateKeyBlockIsOneMatchAndPublicKeysAreNot() {
        let pem = #"-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----"#
        #expect(Self.found(#"{"content":"here: \#(pem) ok"}"#) == [pem])
        let truncated = #"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg"#
        #expect(Self.found(#"{"content":"\#(truncated)","role":"user"}"#) == [truncated])
        #expect(Self.found(#"-----BEGIN PUBLIC KEY-----\nMIIBIjANBg\n-----END PUBLIC KEY-----"#).isEmpty)
    }

    /// The scan skips ahead over bytes that cannot start a key: a key must be found whatever
    /// precedes and follows it (any mix and length of words, spaces, punctuation, runs of key
    /// bytes glued or not), at the very start and end of the text, and when it is the whole text.
    @Test func keysAreFoundAtEveryOffsetWhateverSurroundsThem() {
        let keys = ["sk-proj-Abc123def456ghi789jkl012mno", "xoxb-1234567890", "AKIAIOSFODNN7EXAMPLE"]
        let fillers = ["a", " ", "ab cd", "word-with_dashes ", "x.y ", "{\"k\":\"", "\\n", "0123456789abcdef "]
        for key in keys {
            #expect(Self.found(key) == [key])
            for filler in fillers {
                for count in 0..<24 {
                    let before = String(repeating: filler, count: count)
                    // Glued to a preceding key byte it is no key, unless that byte ends an escape.
                    let glued = before.utf8.last.map(KnownKeyScanner.isKeyByte) ?? false
                    let expected = glued && !before.hasSuffix("\\n") ? [] : [key]
                    #expect(Self.found(before + key) == expected, "\(before)|\(key)")
                    #expect(Self.found(before + key + " " + before) == expected, "\(before)|\(key)| \(before)")
                }
            }
        }
    }

    @Test func pemBlockIsFoundAfterEveryLengthOfText() {
        let pem = #"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----"#
        for count in 0..<24 {
            let before = String(repeating: "ab ", count: count)
            #expect(Self.found(#"{"c":"\#(before)\#(pem)"}"#) == [pem], "\(count)")
        }
    }
}
