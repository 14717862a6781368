import NIOCore
import UnderstudyArchive
import UnderstudyWire

/// Turns what the parsers saw on one captured connection into an `Exchange`, through the same
/// `ExchangeRecorder.makeExchange` the proxies use: same redaction, same SSE timing, same LLM
/// view. What only a capture knows is added here: packet times, decoded content codings, and the
/// marks of an incomplete capture (`truncated` bodies and an `error` that says what is missing).
struct PcapExchangeBuilder: Sendable {
    let redactor: HeaderRedactor
    let bodyLimit: Int

    /// The record, and whether it is incomplete (bytes or a response missing).
    func makeExchange(
        _ seen: PcapInFlightExchange, client: TCPEndpoint, server: TCPEndpoint
    ) -> (exchange: Exchange, incomplete: Bool) {
        let head = seen.request
        var problems: [String] = []
        let requestHeaders = head.headers + seen.requestTrailers
        let requestBody = decoded(
            seen.requestBody, headers: requestHeaders, what: "request", problems: &problems)
        let host = requestHeaders.first(named: "host") ?? server.description
        var captured = CapturedExchange(
            capture: Exchange.Capture(
                mode: .pcap, listener: server.description, client: client.description, upstream: "http://\(host)"),
            method: head.method ?? "GET", target: head.target ?? "/", headers: requestHeaders, bodyLimit: bodyLimit,
            startMicros: seen.startMicros, startUptime: .uptimeNanoseconds(0))
        captured.requestBody.append(requestBody.bytes)
        captured.endpoint = LLMEndpoint.classify(
            method: captured.method, target: captured.target, headers: requestHeaders,
            body: requestBody.bytes.isEmpty ? nil : try? JSONValue(parsing: requestBody.bytes))

        if !seen.requestDone || !seen.requestComplete { problems.append("request incomplete in the capture") }
        if let response = seen.response {
            let headers = response.headers + seen.responseTrailers
            let body = decoded(seen.responseBody, headers: headers, what: "response", problems: &problems)
            captured.status = response.status
            captured.responseHeaders = headers
            captured.responseBody.append(body.bytes)
            if body.recoded {
                // Chunk boundaries refer to the encoded bytes: events get the end time instead.
                captured.chunkTimes = [(body.bytes.count, milliseconds(seen.endMicros ?? seen.startMicros, from: seen.startMicros))]
            } else {
                captured.chunkTimes = seen.chunkTimes.map { ($0.end, milliseconds($0.micros, from: seen.startMicros)) }
            }
            captured.firstByteMs = seen.firstByteMicros.map { milliseconds($0, from: seen.startMicros) }
            captured.endMs = seen.endMicros.map { milliseconds($0, from: seen.startMicros) }
            if !seen.responseDone || !seen.responseComplete { problems.append("response incomplete in the capture") }
            captured.outcome = .ok
        } else {
            problems.append("no response in the capture")
            captured.outcome = .upstreamError
        }
        captured.error = problems.isEmpty ? nil : "pcap: " + problems.joined(separator: "; ")
        var exchange = ExchangeRecorder.makeExchange(from: captured, redactor: redactor)
        // Ids sort by time: use the capture time, not the import time.
        exchange.id = ULID.generate(milliseconds: UInt64(max(0, seen.startMicros / 1000)))
        let requestCut = !seen.requestDone || !seen.requestComplete || seen.requestBytes > seen.requestBody.count
        let responseCut = !seen.responseDone || !seen.responseComplete || seen.responseBytes > seen.responseBody.count
        if requestCut { exchange.request.body.truncated = true }
        if responseCut && exchange.response != nil { exchange.response?.body.truncated = true }
        let incomplete = !seen.isComplete
        return (exchange, incomplete)
    }

    private func decoded(
        _ bytes: [UInt8], headers: [HTTPHeaderField], what: String, problems: inout [String]
    ) -> (bytes: [UInt8], recoded: Bool) {
        switch HTTPContentDecoder.decode(bytes, contentEncoding: headers.first(named: "content-encoding"), limit: bodyLimit) {
        case .identity: return (bytes, false)
        case .decoded(let out): return (out, true)
        case .failed(let reason):
            problems.append("\(what) \(reason); recorded as sent")
            return (bytes, false)
        }
    }

    private func milliseconds(_ micros: Int64, from start: Int64) -> Double {
        Double(micros - start) / 1000
    }
}
