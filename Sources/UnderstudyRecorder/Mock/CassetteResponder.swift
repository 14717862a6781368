import Foundation
import NIOCore
import NIOHTTP1
import UnderstudyArchive
import UnderstudyWire

/// Cassette playback: answers a request with the response recorded for it in a capture archive.
/// A request matches a recorded exchange by method, path and exact body bytes, else by method,
/// path and normalized body (JSON with sorted keys and no insignificant whitespace). The reply
/// is the recorded status, headers and body; streams are sent event by event, optionally with
/// the recorded timing.
public final class CassetteResponder: MockResponder {
    private let exact: [String: MockReply]
    private let normalized: [String: MockReply]
    public let count: Int

    /// - Parameter originalTiming: replay the recorded time to first byte and gaps between events.
    public init(exchanges: [Exchange], originalTiming: Bool) {
        var exact: [String: MockReply] = [:]
        var normalized: [String: MockReply] = [:]
        var count = 0
        for exchange in exchanges {
            guard let response = exchange.response, exchange.outcome != .clientAborted else { continue }
            let reply = Self.reply(for: exchange, response: response, originalTiming: originalTiming)
            let path = Self.path(exchange.request.target)
            // Later recordings of the same request win: the newest answer is replayed.
            exact[Self.key(exchange.request.method, path, exchange.request.body.bytes)] = reply
            normalized[Self.key(exchange.request.method, path, Self.normalize(exchange.request.body.bytes))] = reply
            count += 1
        }
        self.exact = exact
        self.normalized = normalized
        self.count = count
    }

    public convenience init(archive: URL, originalTiming: Bool) throws {
        let reader: ArchiveReader
        do { reader = try ArchiveReader(path: archive) } catch {
            throw RecorderError("cannot open the archive \(archive.path): \(error)")
        }
        let (exchanges, _) = try reader.exchanges()
        self.init(exchanges: exchanges, originalTiming: originalTiming)
    }

    public func reply(method: String, target: String, headers: HTTPHeaders, body: [UInt8]) -> MockReply {
        let path = Self.path(target)
        if let reply = exact[Self.key(method, path, body)] { return reply }
        if let reply = normalized[Self.key(method, path, Self.normalize(body))] { return reply }
        let fields = headers.map { HTTPHeaderField($0.name, $0.value) }
        let endpoint = LLMEndpoint.classify(method: method, target: target, headers: fields)
        return Self.noMatch(
            status: endpoint == nil ? 404 : 400,
            message: "understudy mock-upstream: no recorded exchange in the cassette matches \(method) \(path) with this body",
            provider: endpoint?.provider ?? .openai)
    }

    static func path(_ target: String) -> String {
        String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    static func key(_ method: String, _ path: String, _ body: [UInt8]) -> String {
        method + " " + path + "\n" + String(decoding: body, as: UTF8.self)
    }

    /// JSON bodies with object keys sorted and whitespace removed; other bodies unchanged.
    static func normalize(_ body: [UInt8]) -> [UInt8] {
        guard let json = try? JSONValue(parsing: body) else { return body }
        return sorted(json).serializedBytes()
    }

    static func sorted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members): .object(members.map { JSONMember($0.key, sorted($0.value)) }.sorted { $0.key < $1.key })
        case .array(let elements): .array(elements.map(sorted))
        default: value
        }
    }

    static func reply(for exchange: Exchange, response: Exchange.Response, originalTiming: Bool) -> MockReply {
        var headers = HTTPHeaders()
        for field in response.headers {
            if HopByHopHeaders.isStaticHopByHop(field.name) || HeaderName.equals(field.name, "content-length")
                || HeaderName.equals(field.name, "date") { continue }
            headers.add(name: field.name, value: field.value)
        }
        let allocator = ByteBufferAllocator()
        let status = HTTPResponseStatus(statusCode: response.status)
        if let events = response.sse, !events.isEmpty, !response.body.truncated {
            let parts = Self.splitEvents(response.body.bytes, count: events.count).map { allocator.buffer(bytes: $0) }
            var delays: [TimeAmount]?
            if originalTiming {
                var previous = exchange.timing.firstByteMs ?? 0
                delays = [.microseconds(Int64(previous * 1000))]
                for event in events {
                    delays?.append(.microseconds(Int64(max(0, event.tMs - previous) * 1000)))
                    previous = event.tMs
                }
            }
            if parts.count == events.count {
                return MockReply(status: status, headers: headers, parts: parts, isStream: true, recordedDelays: delays)
            }
        }
        headers.add(name: "content-length", value: String(response.body.bytes.count))
        let delays: [TimeAmount]? = originalTiming
            ? [.microseconds(Int64((exchange.timing.firstByteMs ?? 0) * 1000))] : nil
        return MockReply(status: status, headers: headers, parts: [allocator.buffer(bytes: response.body.bytes)],
                         isStream: false, recordedDelays: delays)
    }

    /// Splits a raw SSE body after each blank line, so the bytes replayed are the recorded bytes.
    /// Anything after the last event stays with the last part.
    static func splitEvents(_ bytes: [UInt8], count: Int) -> [[UInt8]] {
        var parts: [[UInt8]] = []
        var start = 0
        var i = 0
        while i < bytes.count {
            var end: Int?
            if bytes[i] == 0x0A, i + 1 < bytes.count, bytes[i + 1] == 0x0A {
                end = i + 2
            } else if bytes[i] == 0x0A, i + 2 < bytes.count, bytes[i + 1] == 0x0D, bytes[i + 2] == 0x0A {
                end = i + 3
            }
            if let end {
                parts.append(Array(bytes[start..<end]))
                start = end
                i = end
            } else {
                i += 1
            }
        }
        if start < bytes.count {
            if parts.isEmpty { parts.append(Array(bytes[start...])) } else { parts[parts.count - 1] += bytes[start...] }
        }
        return parts
    }
}
