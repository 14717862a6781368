import UnderstudyArchive
import UnderstudyWire

extension ExchangeRecorder {
    /// `makeExchange(from:)` for the recorder's batch: `inout` only so that the exchange is passed
    /// by address with exclusive access (nothing is changed), which spares a copy of it.
    static func makeExchange(exclusive captured: inout CapturedExchange, redactor: HeaderRedactor) -> Exchange {
        makeExchange(from: captured, redactor: redactor)
    }

    /// Turns what a capture path saw into the archive record: credentials redacted (headers,
    /// `?key=` query parameters, and well-known API keys inside bodies and SSE data), SSE events
    /// with their arrival times, and the LLM view. Only this copy is scrubbed: the client got the
    /// original bytes.
    public static func makeExchange(from captured: CapturedExchange, redactor: HeaderRedactor) -> Exchange {
        var request = Exchange.Request(
            method: captured.method, target: redactor.redactTarget(captured.target),
            headers: redactor.redact(captured.requestHeaders), body: captured.requestBody.httpBody)
        var secrets = 0
        (request.body, secrets) = redactor.scrubSecrets(in: request.body)
        if request.body.bytes.isEmpty { request.body.truncated = captured.requestBody.truncated }

        var response: Exchange.Response?
        if let status = captured.status {
            var r = Exchange.Response(
                status: status, headers: redactor.redact(captured.responseHeaders), body: captured.responseBody.httpBody)
            if SSEParser.isEventStream(captured.responseHeaders) { r.sse = sseEvents(captured) }
            let (body, inBody) = redactor.scrubSecrets(in: r.body)
            r.body = body
            secrets += inBody
            // The events' data are pieces of the body just scanned (each line's value after
            // `data:`, lines joined by a line feed), so a body with no key has events with none:
            // each piece sits in the body between a `:`/space and a line end, which are token
            // boundaries, and no escape spans a line start. Only a body with a key needs the
            // per-event scan (which finds where in which event it is); that spares scanning
            // every streamed byte twice.
            if inBody > 0, let events = r.sse {
                let (scrubbed, inEvents) = redactor.scrubSecrets(in: events)
                r.sse = scrubbed
                secrets += inEvents
            }
            response = r
        }

        var error = captured.error
        var llm: Exchange.LLMInfo?
        if let endpoint = captured.endpoint {
            // One validating pass over the request body yields both what interpretation reads
            // (`model`, `stream`) and whether the body is JSON (nil: it is not).
            let summary =
                request.body.truncated || request.body.bytes.isEmpty
                ? nil : LLMEndpoint.bodySummary(request.body.bytes)
            request.body.isKnownJSON = summary != nil
            // Assembly parses every event; its count of those that did not parse spares a second
            // validating pass over them below when, as nearly always, there is none.
            var unparsedEvents = 0
            llm = ExchangeInterpreter.interpret(
                classified: endpoint, requestSummary: summary, response: response, unparsedEvents: &unparsedEvents)
            var eventsRewritten = false
            // A plain (not streamed) answer's message is its scrubbed body parsed, and the body
            // scan is exact on the decoded strings (escapes included, `scrubSecrets(in:)`): the
            // message holds no key the scan missed. (Gemini's unstreamed array of chunks is
            // assembled, not just parsed: always scanned.)
            let messageIsScannedBody = response.map { $0.sse == nil && endpoint.api != .generateContent } ?? false
            if let view = llm {
                let (scrubbed, keys) = messageIsScannedBody ? (view, []) : redactor.scrubSecrets(in: view)
                llm = scrubbed
                if !keys.isEmpty, var r = response, r.sse != nil {
                    // A key the stream split across events: its pieces go too, from events and body.
                    r.sse = r.sse?.map { event in
                        let (bytes, count) = redactor.scrubFragments(of: keys, in: Array(event.data.utf8))
                        secrets += count
                        return count == 0 ? event
                            : SSEEvent(tMs: event.tMs, event: event.event, data: String(decoding: bytes, as: UTF8.self))
                    }
                    r.body.bytes = redactor.scrubFragments(of: keys, in: r.body.bytes).bytes
                    eventsRewritten = true
                    response = r
                }
            }
            if !request.body.bytes.isEmpty, !request.body.truncated, error == nil, summary == nil {
                // The flag for "non-JSON body on a JSON route": proxied unchanged, recorded raw.
                error = "request body is not JSON; recorded raw"
            }
            if var r = response, r.sse == nil, llm?.hasAssembled == true {
                // Not streamed (`sse` is set exactly for event streams): the assembled message is
            // this body parsed, so it is JSON and the writer need not check.
                r.body.isKnownJSON = true
                response = r
            }
            if error == nil, let events = response?.sse, unparsedEvents > 0 || eventsRewritten {
                // The flag for a malformed stream: passed to the client as sent, recorded as sent.
                // (An event that parses is valid; validation is laxer than parsing about string
                // escapes, so the count comes from the validating pass, as before.)
                let broken = events.filter { $0.data != "[DONE]" && !JSONValue.isValid($0.data.utf8) }
                if !broken.isEmpty { error = "\(broken.count) stream event(s) are not JSON; recorded as sent" }
            }
        }
        var exchange = Exchange(
            capture: captured.capture,
            timing: Exchange.Timing(
                startMicros: captured.startMicros, firstByteMs: captured.firstByteMs, endMs: captured.endMs),
            request: request, response: response, llm: llm, outcome: captured.outcome, error: error,
            route: captured.route)
        exchange.redactedBodySecrets = secrets
        return exchange
    }

    /// Parses the recorded stream chunk by chunk, so each event gets the arrival time of the
    /// chunk that completed it. A stream cut short keeps its last, unterminated event.
    static func sseEvents(_ captured: CapturedExchange) -> [SSEEvent] {
        var parser = SSEParser()
        var events: [SSEEvent] = []
        let bytes = captured.responseBody.bytes
        // A chunk mostly completes one event: room for that many spares the regrowths. Capped by
        // the bytes kept (the shortest event, `data\n\n`, is 6 bytes): a truncated stream keeps
        // noting chunk times past the body limit.
        events.reserveCapacity(min(captured.chunkTimes.count, bytes.count / 6) + 1)
        var start = 0
        for (end, tMs) in captured.chunkTimes {
            let stop = min(end, bytes.count)
            guard stop > start else { continue }
            parser.feed(bytes[start..<stop]) { event in
                events.append(SSEEvent(tMs: tMs, event: event.event, data: event.data))
            }
            start = stop
        }
        let lastTime = captured.chunkTimes.last?.tMs ?? captured.endMs ?? 0
        parser.finish(dispatchIncomplete: captured.outcome != .ok || captured.responseBody.truncated) { event in
            events.append(SSEEvent(tMs: lastTime, event: event.event, data: event.data))
        }
        return events
    }
}
