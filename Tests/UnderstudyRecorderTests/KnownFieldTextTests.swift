import NIOCore
import Testing
import UnderstudyRecorder

/// Recurring spellings handed out as string literals (`KnownFieldText`) instead of decoded: each
/// listed spelling must be found (no dead entry), and every head the proxy parses, request or
/// response, must keep the bytes exactly as sent, whether they are a listed spelling or a near
/// miss of one (another byte, another case, one byte more): the record keeps the sender's spelling.
struct KnownFieldTextTests {
    static func literal(_ text: String) -> String? {
        Array(text.utf8).withUnsafeBytes { KnownFieldText.string($0) }
    }

    /// Spellings close to a listed one that are not listed themselves: the middle byte changed,
    /// the case flipped (all capitals, first letter), one byte appended, and the reviewers' own.
    static func nearMisses(of text: String) -> [String] {
        var changed = Array(text.utf8)
        let middle = changed.count / 2
        changed[middle] = changed[middle] == UInt8(ascii: "q") ? UInt8(ascii: "z") : UInt8(ascii: "q")
        let first = text.prefix(1)
        let flippedFirst = (first.uppercased() == first ? first.lowercased() : first.uppercased()) + text.dropFirst()
        let candidates = [String(decoding: changed, as: UTF8.self), text.uppercased(), flippedFirst, text + "x"]
        return candidates.filter { !KnownFieldText.spellings.contains($0) }
    }

    static let extraNearMisses = [
        "X-STAINLESS-LANG", "Application/json", "APPLICATION/JSON", "Transfer-Encoding", "TRANSFER-ENCODING",
        "Text/Event-Stream", "X-Ratelimit-Limit-Requests", "/V1/chat/completions",
    ]

    /// Every spelling the proxy parses in these tests: the listed ones and their near misses.
    static var allSpellings: [String] {
        KnownFieldText.spellings + KnownFieldText.spellings.flatMap(nearMisses) + extraNearMisses
    }

    /// A name only where it can be one (a token; a Transfer-Encoding field would change the framing).
    static func fieldName(for spelling: String) -> String {
        let isToken = !spelling.contains(" ") && !spelling.contains("/") && !spelling.contains(",")
            && !spelling.contains(";")
        return isToken && spelling.lowercased() != "transfer-encoding" ? spelling : "x-value"
    }

    @Test func everyListedSpellingIsHandedOutAsItsLiteral() {
        for text in KnownFieldText.spellings {
            #expect(Self.literal(text) == text, "dead entry: \(text)")
        }
        #expect(Set(KnownFieldText.spellings).count == KnownFieldText.spellings.count, "a spelling listed twice")
    }

    @Test func nearMissesAreNotHandedOutAsALiteral() {
        for text in KnownFieldText.spellings.flatMap(Self.nearMisses) + Self.extraNearMisses {
            #expect(Self.literal(text) == nil, "\(text) came back as a listed spelling")
        }
    }

    @Test func requestHeadsKeepEachSpellingsBytesAsNameValueAndTarget() throws {
        for spelling in Self.allSpellings {
            let target = spelling.hasPrefix("/") ? spelling : "/"
            let name = Self.fieldName(for: spelling)
            let request = "POST \(target) HTTP/1.1\r\nhost: a\r\n\(name): \(spelling)\r\ncontent-length: 0\r\n\r\n"
            var framer = ClientRequestFramer(maxHeadBytes: 4096)
            var buffer = ByteBuffer(string: request)
            guard case .head(let head) = try #require(try framer.next(&buffer)) else {
                Issue.record("no request head for \(spelling)")
                continue
            }
            #expect(Array(head.target.utf8) == Array(target.utf8))
            #expect(head.fields.map { Array($0.name.utf8) } == ["host", name, "content-length"].map { Array($0.utf8) })
            #expect(Array(head.fields[1].value.utf8) == Array(spelling.utf8))
        }
    }

    /// The APIs' answers carry their own recurring names (`x-ratelimit-…`, `anthropic-ratelimit-…`).
    @Test func responseHeadsKeepEachSpellingsBytesAsNameAndValue() throws {
        #expect(KnownFieldText.spellings.contains("x-ratelimit-remaining-tokens"))
        for spelling in Self.allSpellings {
            let name = Self.fieldName(for: spelling)
            let response = "HTTP/1.1 200 OK\r\n\(name): \(spelling)\r\ncontent-length: 0\r\n\r\n"
            var framer = UpstreamResponseFramer()
            framer.expectResponse(toHEAD: false)
            var buffer = ByteBuffer(string: response)
            guard case .head(let head) = try #require(try framer.next(&buffer)) else {
                Issue.record("no response head for \(spelling)")
                continue
            }
            #expect(head.headers.map { Array($0.name.utf8) } == [name, "content-length"].map { Array($0.utf8) })
            #expect(Array(head.headers[0].value.utf8) == Array(spelling.utf8))
        }
    }
}
