#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Field names, values and request targets that recur in nearly every LLM API exchange, handed
/// out as string literals. A `String` decoded from 16 bytes or more allocates its storage (shorter
/// ones are stored inline); a literal allocates nothing and its retains and releases are free.
/// `HTTP1HeadParser` asks here before decoding: in the proxy's JSON benchmark three of a
/// request's ten allocations on the event loop were such strings (`/v1/chat/completions`,
/// `application/json` both ways), and the SDKs send more (`x-stainless-…`).
public enum KnownFieldText {
    /// Every spelling kept, exactly as it must appear on the wire (names are matched as sent,
    /// not case-folded: the record keeps the sender's spelling).
    public static let spellings: [String] = [
        // Targets.
        "/v1/chat/completions", "/v1/messages/count_tokens",
        // Values.
        "application/json", "application/json; charset=utf-8", "text/event-stream",
        "text/event-stream; charset=utf-8", "gzip, deflate, br", "gzip, deflate, zstd",
        // Names the official SDKs send, in their spellings.
        "x-stainless-lang", "x-stainless-package-version", "x-stainless-arch",
        "x-stainless-runtime", "x-stainless-runtime-version", "x-stainless-async",
        "x-stainless-retry-count", "x-stainless-read-timeout", "x-stainless-timeout",
        "X-Stainless-Lang", "X-Stainless-Package-Version", "X-Stainless-Arch",
        "X-Stainless-Runtime", "X-Stainless-Runtime-Version", "X-Stainless-Async",
        "X-Stainless-Retry-Count", "X-Stainless-Read-Timeout", "X-Stainless-Timeout",
        "anthropic-version", "openai-organization",
        // Names the APIs answer with.
        "transfer-encoding", "openai-processing-ms", "x-ratelimit-limit-requests",
        "x-ratelimit-limit-tokens", "x-ratelimit-remaining-requests", "x-ratelimit-remaining-tokens",
        "x-ratelimit-reset-requests", "x-ratelimit-reset-tokens", "strict-transport-security",
        "access-control-expose-headers", "anthropic-ratelimit-requests-limit",
        "anthropic-ratelimit-requests-remaining", "anthropic-ratelimit-tokens-limit",
        "anthropic-ratelimit-tokens-remaining", "anthropic-organization-id",
    ]

    /// Only spellings that would allocate when decoded are worth a lookup.
    private static let shortest = 16

    /// The spellings by their length in bytes, with their bytes to compare against (as many
    /// buckets as the longest spelling needs, so adding a longer one cannot overrun the table).
    private static let byLength: [[(bytes: [UInt8], text: String)]] = {
        let longest = spellings.map(\.utf8.count).max() ?? 0
        var table = [[(bytes: [UInt8], text: String)]](repeating: [], count: longest + 1)
        for text in spellings where text.utf8.count >= shortest {
            table[text.utf8.count].append((Array(text.utf8), text))
        }
        return table
    }()

    /// The literal spelled by exactly `bytes`, or nil (decode them instead).
    public static func string(_ bytes: UnsafeRawBufferPointer) -> String? {
        let count = bytes.count
        guard count >= shortest, count < byLength.count, let base = bytes.baseAddress else { return nil }
        for candidate in byLength[count]
        where candidate.bytes.withUnsafeBytes({ memcmp($0.baseAddress!, base, count) == 0 }) {
            return candidate.text
        }
        return nil
    }
}
