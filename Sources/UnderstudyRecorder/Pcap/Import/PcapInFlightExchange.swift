import UnderstudyArchive

/// A request seen on a captured connection and, once it arrives, its response: everything the
/// HTTP parsers reported, with packet times, before it becomes an `Exchange`.
struct PcapInFlightExchange: Sendable {
    var request: HTTP1Head
    var startMicros: Int64
    var requestBody: [UInt8] = []
    var requestBytes = 0
    var requestTrailers: [HTTPHeaderField] = []
    var requestDone = false
    var requestComplete = true

    var response: HTTP1Head?
    var responseBody: [UInt8] = []
    var responseBytes = 0
    var responseTrailers: [HTTPHeaderField] = []
    /// Body length after each chunk, and the capture time of the packet that carried it.
    var chunkTimes: [(end: Int, micros: Int64)] = []
    var firstByteMicros: Int64?
    var endMicros: Int64?
    var responseDone = false
    var responseComplete = true

    init(request: HTTP1Head, startMicros: Int64) {
        self.request = request
        self.startMicros = startMicros
    }

    mutating func appendRequestBody(_ bytes: [UInt8], limit: Int) {
        requestBytes += bytes.count
        let room = limit - requestBody.count
        if room > 0 { requestBody.append(contentsOf: bytes.prefix(room)) }
    }

    mutating func appendResponseBody(_ bytes: [UInt8], at micros: Int64, limit: Int) {
        responseBytes += bytes.count
        let room = limit - responseBody.count
        if room > 0 { responseBody.append(contentsOf: bytes.prefix(room)) }
        chunkTimes.append((responseBytes, micros))
    }

    /// Nothing is missing: both messages were seen whole.
    var isComplete: Bool { requestDone && requestComplete && responseDone && responseComplete && response != nil }
}
