import NIOHTTP1
import Testing
import UnderstudyArchive
import UnderstudyRecorder

/// Which next request on a connection reuses the last one's route: the same method, target,
/// `Host` (a missing one and an empty one told apart) and `api-key` presence, nothing else.
struct RouteCacheTests {
    static func head(_ target: String = "/v1/chat/completions", host: String?, apiKey: Bool = false) -> ClientRequestHead {
        var fields = [HTTPHeaderField("Content-Type", "application/json")]
        if let host { fields.append(HTTPHeaderField("Host", host)) }
        if apiKey { fields.append(HTTPHeaderField("api-key", "k")) }
        return ClientRequestHead(method: "POST", target: target, version: .http1_1, fields: fields)
    }

    static func cache(for head: ClientRequestHead) throws -> RouteCache {
        RouteCache(head, endpoint: nil, upstream: try Upstream(name: "openai", url: "http://127.0.0.1:9"), requests: nil)
    }

    @Test func aMissingHostAndAnEmptyHostAreDifferentRoutes() throws {
        let missing = Self.head(host: nil)
        let empty = Self.head(host: "")
        #expect(try Self.cache(for: missing).matches(missing))
        #expect(try Self.cache(for: empty).matches(empty))
        #expect(try !Self.cache(for: missing).matches(empty))
        #expect(try !Self.cache(for: empty).matches(missing))
    }

    @Test func theSameRouteMatchesAndAnyChangedPartDoesNot() throws {
        let cache = try Self.cache(for: Self.head(host: "x"))
        #expect(cache.matches(Self.head(host: "x")))
        #expect(!cache.matches(Self.head(host: "me.openai.azure.com")))
        #expect(!cache.matches(Self.head("/v1/messages", host: "x")))
        #expect(!cache.matches(Self.head(host: "x", apiKey: true)))
    }
}
