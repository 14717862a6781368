import Foundation

/// HAR 1.2 (HTTP Archive) export and import, so recordings travel to and from browser tools,
/// mitmproxy and other proxies. Bodies that are not UTF-8 travel base64-encoded.
public enum HAR {
    /// A HAR log holding `exchanges`.
    public static func document(_ exchanges: [Exchange], creatorVersion: String = "1") -> JSONValue {
        [
            "log": [
                "version": "1.2", "creator": ["name": "understudy", "version": .string(creatorVersion)],
                "entries": .array(exchanges.map(entry)),
            ]
        ]
    }

    static func entry(_ e: Exchange) -> JSONValue {
        let url = (e.capture.upstream ?? "http://unknown") + e.request.target
        let firstByte = e.timing.firstByteMs ?? 0
        let end = e.timing.endMs ?? firstByte
        var request: JSONValue = [
            "method": .string(e.request.method), "url": .string(url), "httpVersion": "HTTP/1.1",
            "headers": headers(e.request.headers), "queryString": .array(query(e.request.target)), "cookies": [],
            "headersSize": -1, "bodySize": .int(e.request.body.bytes.count),
        ]
        if !e.request.body.isEmpty {
            var post: JSONValue = ["mimeType": .string(e.request.headers.first(named: "content-type") ?? "")]
            if let text = String(validating: e.request.body.bytes, as: UTF8.self) {
                post.set("text", .string(text))
            } else {
                post.set("text", .string(Data(e.request.body.bytes).base64EncodedString()))
                post.set("encoding", "base64")
            }
            request.set("postData", post)
        }
        var content: JSONValue = [
            "size": .int(e.response?.body.bytes.count ?? 0),
            "mimeType": .string(e.response?.headers.first(named: "content-type") ?? ""),
        ]
        if let body = e.response?.body.bytes, !body.isEmpty {
            if let text = String(validating: body, as: UTF8.self) {
                content.set("text", .string(text))
            } else {
                content.set("text", .string(Data(body).base64EncodedString()))
                content.set("encoding", "base64")
            }
        }
        let response: JSONValue = [
            "status": .int(e.response?.status ?? 0), "statusText": "", "httpVersion": "HTTP/1.1",
            "headers": headers(e.response?.headers ?? []), "cookies": [], "content": content, "redirectURL": "",
            "headersSize": -1, "bodySize": .int(e.response?.body.bytes.count ?? 0),
        ]
        return [
            "startedDateTime": .string(RFC3339.format(micros: e.timing.startMicros)), "time": .double(end),
            "request": request, "response": response, "cache": [:],
            "timings": ["send": 0, "wait": .double(firstByte), "receive": .double(max(0, end - firstByte))],
            "_understudy_id": .string(e.id),
        ]
    }

    private static func headers(_ fields: [HTTPHeaderField]) -> JSONValue {
        .array(fields.map { ["name": .string($0.name), "value": .string($0.value)] })
    }

    private static func query(_ target: String) -> [JSONValue] {
        guard let q = target.firstIndex(of: "?") else { return [] }
        return target[target.index(after: q)...].split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1)
            return ["name": .string(String(parts[0])), "value": .string(parts.count > 1 ? String(parts[1]) : "")]
        }
    }

    /// The exchanges of a HAR document (`capture.mode` is `imported`; SSE responses get their
    /// events parsed, with arrival times unknown and set to the first byte).
    public static func exchanges(from document: JSONValue) throws -> [Exchange] {
        guard let entries = document["log"]?["entries"]?.arrayValue else {
            throw ArchiveError.invalid("not a HAR file: it has no log.entries")
        }
        return try entries.enumerated().map { index, entry in try exchange(entry, index: index) }
    }

    static func exchange(_ entry: JSONValue, index: Int) throws -> Exchange {
        guard let request = entry["request"], let method = request["method"]?.stringValue,
            let url = request["url"]?.stringValue
        else { throw ArchiveError.invalid("HAR entry \(index) has no request method and url") }
        // Split by hand: the target keeps its exact bytes (URLComponents rejects some that
        // agents do send, and would re-encode others).
        var upstream: String?
        var target = url
        if let schemeEnd = url.range(of: "://") {
            let rest = url[schemeEnd.upperBound...]
            let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            upstream = String(url[..<slash])
            target = String(url[slash...])
            if target.isEmpty { target = "/" }
            if target.hasPrefix("?") { target = "/" + target }
        }
        let start = entry["startedDateTime"]?.stringValue.flatMap(RFC3339.parse) ?? 0
        let wait = entry["timings"]?["wait"]?.doubleValue
        let send = max(0, entry["timings"]?["send"]?.doubleValue ?? 0)
        let total = entry["time"]?.doubleValue
        var exchange = Exchange(
            id: (entry["_understudy_id"]?.stringValue) ?? ULID.generate(milliseconds: UInt64(max(0, start / 1000))),
            capture: .init(mode: .imported, upstream: upstream),
            timing: .init(startMicros: start, firstByteMs: wait.map { $0 + send }, endMs: total),
            request: .init(
                method: method, target: target, headers: headers(from: request["headers"]),
                body: HTTPBody(bytes: body(request["postData"]))))
        if let response = entry["response"], let status = response["status"]?.intValue, status > 0 {
            let headers = headers(from: response["headers"])
            let bytes = body(response["content"])
            var sse: [SSEEvent]?
            if (headers.first(named: "content-type") ?? response["content"]?["mimeType"]?.stringValue ?? "")
                .lowercased().hasPrefix("text/event-stream")
            {
                sse = SSEText.events(bytes, at: exchange.timing.firstByteMs ?? 0)
            }
            exchange.response = .init(status: status, headers: headers, body: HTTPBody(bytes: bytes), sse: sse)
        } else {
            exchange.outcome = .proxyError
            exchange.error = "the HAR entry has no response"
        }
        return exchange
    }

    private static func headers(from value: JSONValue?) -> [HTTPHeaderField] {
        (value?.arrayValue ?? []).compactMap {
            guard let name = $0["name"]?.stringValue, let value = $0["value"]?.stringValue else { return nil }
            return HTTPHeaderField(name, value)
        }
    }

    private static func body(_ value: JSONValue?) -> [UInt8] {
        guard let text = value?["text"]?.stringValue else { return [] }
        if value?["encoding"]?.stringValue == "base64", let data = Data(base64Encoded: text) { return Array(data) }
        return Array(text.utf8)
    }
}

/// A small SSE splitter for imported streams (the recorder has its own incremental parser).
enum SSEText {
    static func events(_ bytes: [UInt8], at tMs: Double) -> [SSEEvent] {
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        var events: [SSEEvent] = []
        for block in text.components(separatedBy: "\n\n") where !block.isEmpty {
            var name: String?
            var data: [String] = []
            for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("event:") {
                    name = String(line.dropFirst(6)).trimmingCharacters(in: .init(charactersIn: " "))
                } else if line.hasPrefix("data:") {
                    var value = line.dropFirst(5)
                    if value.first == " " { value = value.dropFirst() }
                    data.append(String(value))
                }
            }
            if name != nil || !data.isEmpty {
                events.append(SSEEvent(tMs: tMs, event: name, data: data.joined(separator: "\n")))
            }
        }
        return events
    }
}
