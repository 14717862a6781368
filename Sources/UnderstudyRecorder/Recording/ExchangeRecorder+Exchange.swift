import UnderstudyArchive
import UnderstudyWire

extension ExchangeRecorder {
    /// Turns what a capture path saw into the archive record: credentials redacted (headers and
    /// `?key=` query parameters), SSE events with their arrival times, and the LLM view.
    public static func makeExchange(from captured: CapturedExchange, redactor: HeaderRedactor) -> Exchange {
        var request = Exchange.Request(
            method: captured.method, target: redactor.redactTarget(captured.target),
            headers: redactor.redact(captured.requestHeaders), body: captured.requestBody.httpBody)
        if request.body.bytes.isEmpty { request.body.truncated = captured.requestBody.truncated }

        var response: Exchange.Response?
        if let status = captured.status {
            var r = Exchange.Response(
                status: status, headers: redactor.redact(captured.responseHeaders), body: captured.responseBody.httpBody)
            if isEventStream(captured.responseHeaders) { r.sse = sseEvents(captured) }
            response = r
        }

        var error = captured.error
        var llm: Exchange.LLMInfo?
        if captured.endpoint != nil {
            llm = ExchangeInterpreter.interpret(request: request, response: response)
            if !request.body.bytes.isEmpty, !request.body.truncated, request.body.json == nil, error == nil {
                // The flag for "non-JSON body on a JSON route": proxied unchanged, recorded raw.
                error = "request body is not JSON; recorded raw"
            }
            if error == nil, let events = response?.sse {
                // The flag for a malformed stream: passed to the client as sent, recorded as sent.
                let broken = events.filter { $0.data != "[DONE]" && (try? JSONValue(parsing: $0.data)) == nil }
                if !broken.isEmpty { error = "\(broken.count) stream event(s) are not JSON; recorded as sent" }
            }
        }
        return Exchange(
            capture: captured.capture,
            timing: Exchange.Timing(
                startMicros: captured.startMicros, firstByteMs: captured.firstByteMs, endMs: captured.endMs),
            request: request, response: response, llm: llm, outcome: captured.outcome, error: error,
            route: captured.route)
    }

    static func isEventStream(_ headers: [HTTPHeaderField]) -> Bool {
        guard let type = headers.first(named: "content-type") else { return false }
        return type.lowercased().hasPrefix("text/event-stream")
    }

    /// Parses the recorded stream chunk by chunk, so each event gets the arrival time of the
    /// chunk that completed it. A stream cut short keeps its last, unterminated event.
    static func sseEvents(_ captured: CapturedExchange) -> [SSEEvent] {
        var parser = SSEParser()
        var events: [SSEEvent] = []
        let bytes = captured.responseBody.bytes
        var start = 0
        for (end, tMs) in captured.chunkTimes {
            let stop = min(end, bytes.count)
            guard stop > start else { continue }
            for event in parser.feed(bytes[start..<stop]) {
                events.append(SSEEvent(tMs: tMs, event: event.event, data: event.data))
            }
            start = stop
        }
        let lastTime = captured.chunkTimes.last?.tMs ?? captured.endMs ?? 0
        for event in parser.finish(dispatchIncomplete: captured.outcome != .ok || captured.responseBody.truncated) {
            events.append(SSEEvent(tMs: lastTime, event: event.event, data: event.data))
        }
        return events
    }
}
