import UnderstudyArchive

extension PcapConnection {
    /// Requests open exchanges in order; the one being parsed is always the last.
    mutating func handleRequests(
        _ parsed: [HTTP1MessageParser.Event], at micros: Int64, summary: inout PcapImportSummary,
        emit: PcapEmit
    ) {
        for event in parsed {
            switch event {
            case .head(let head):
                inFlight.append(PcapInFlightExchange(request: head, startMicros: requestStartMicros))
                responses.expectResponse(toMethod: head.method ?? "GET")
            case .body(let bytes):
                guard let last = inFlight.indices.last, !inFlight[last].requestDone else { continue }
                inFlight[last].appendRequestBody(bytes, limit: bodyLimit)
            case .end(let trailers, let complete):
                requestStartMicros = micros
                guard let last = inFlight.indices.last, !inFlight[last].requestDone else { continue }
                inFlight[last].requestDone = true
                inFlight[last].requestComplete = complete
                inFlight[last].requestTrailers = trailers
                emitFinished(emit)
            case .lostSync:
                summary.lostSync += 1
            }
        }
    }

    /// Responses answer the oldest request that has no response yet (HTTP/1.1 keeps order,
    /// pipelined or not). Interim 1xx responses only mark the first response byte.
    mutating func handleResponses(
        _ parsed: [HTTP1MessageParser.Event], at micros: Int64, summary: inout PcapImportSummary,
        emit: PcapEmit
    ) {
        for event in parsed {
            let target = inFlight.firstIndex(where: { !$0.responseDone })
            switch event {
            case .head(let head):
                if let target, inFlight[target].firstByteMicros == nil {
                    inFlight[target].firstByteMicros = responseStartMicros
                }
                if let status = head.status, status >= 100 && status < 200 && status != 101 {
                    interimResponse = true
                    continue
                }
                guard let target else {
                    orphanResponse = true
                    summary.orphanResponses += 1
                    continue
                }
                inFlight[target].response = head
            case .body(let bytes):
                guard !orphanResponse, !interimResponse, let target else { continue }
                inFlight[target].appendResponseBody(bytes, at: micros, limit: bodyLimit)
            case .end(let trailers, let complete):
                responseStartMicros = micros
                if interimResponse {
                    interimResponse = false
                    continue
                }
                if orphanResponse {
                    orphanResponse = false
                    continue
                }
                guard let target, inFlight[target].response != nil else { continue }
                inFlight[target].responseDone = true
                inFlight[target].responseComplete = complete
                inFlight[target].responseTrailers = trailers
                inFlight[target].endMicros = micros
                emitFinished(emit)
            case .lostSync:
                summary.lostSync += 1
            }
        }
    }

    /// Emits exchanges from the front whose request and response have both ended.
    private mutating func emitFinished(_ emit: PcapEmit) {
        var count = 0
        while count < inFlight.count && inFlight[count].requestDone && inFlight[count].responseDone {
            emit(inFlight[count], endpoints)
            count += 1
        }
        if count > 0 { inFlight.removeFirst(count) }
    }
}
