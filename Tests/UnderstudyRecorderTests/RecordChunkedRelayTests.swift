import Foundation
import Testing
import UnderstudyArchive

/// A chunked (streamed) answer relayed by the reverse proxy: the events of one upstream read
/// leave together but within that read, never held for the next one; small and large chunks
/// arrive byte for byte, chunk-framed, the record holds the body as sent, and the connection
/// serves its next request afterwards.
@Suite struct RecordChunkedRelayTests {
    @Test func streamedChunksReachTheClientPerUpstreamReadAndByteForByte() throws {
        let harness = try RecorderHarness(script: #"{"response": {"content": "unused"}}"#)
        // Non-LLM paths go to the default upstream, here the bare-socket one below.
        let upstream = try ChunkedUpstream(port: harness.deadPort)
        let connection = try RawConnection(port: harness.proxyPort)
        connection.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        // The first burst ends with its marker event; the upstream holds the rest until the
        // client has it (or 20 s): the proxy must not wait for more upstream bytes to send it. The
        // client waits 15 s, less than the upstream's hold, so a proxy that waited fails here; a
        // loaded machine only makes a right proxy slower.
        let first = connection.read(until: ChunkedUpstream.firstBurstEnd, timeout: 15)
        #expect(first.contains(ChunkedUpstream.firstBurstEnd), "first burst not relayed before the rest: \(first.suffix(200))")
        upstream.release()
        let rest = connection.read(until: "\r\n0\r\n\r\n", timeout: 15)
        let response = first + rest
        #expect(response.hasPrefix("HTTP/1.1 200 "))
        #expect(response.lowercased().contains("transfer-encoding: chunked\r\n"))
        let body = response.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        #expect(Self.dechunk(body) == ChunkedUpstream.body, "the client got different bytes")

        // The same connection serves the next request (nothing of the stream left held).
        connection.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n")
        let second = connection.read(until: "second answer", timeout: 5)
        #expect(second.hasPrefix("HTTP/1.1 200 ") && second.hasSuffix("second answer"), "\(second)")

        let exchanges = try harness.stopAndRead()
        #expect(exchanges.count == 2, "\(harness.recorderLogTail)")
        let stream = exchanges.first { $0.request.target == "/stream" }
        #expect(stream?.outcome == .ok)
        #expect(stream?.response?.body.bytes == Array(ChunkedUpstream.body.utf8), "the record differs from what was sent")
    }

    /// The body of a chunked HTTP/1.1 message (nil when the framing is broken or unfinished).
    /// On bytes: "\r\n" is one `Character`, which string slicing would not split.
    static func dechunk(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        let crlf: [UInt8] = [13, 10]
        var at = 0
        var out: [UInt8] = []
        while let lineEnd = bytes[at...].firstRange(of: crlf) {
            guard let size = Int(String(decoding: bytes[at..<lineEnd.lowerBound], as: UTF8.self), radix: 16) else {
                return nil
            }
            at = lineEnd.upperBound
            if size == 0 { return Array(bytes[at...]) == crlf ? String(decoding: out, as: UTF8.self) : nil }
            guard bytes.count - at >= size + 2, Array(bytes[(at + size)..<(at + size + 2)]) == crlf else { return nil }
            out += bytes[at..<(at + size)]
            at += size + 2
        }
        return nil
    }
}

/// A loopback upstream on a bare socket: `/stream` answers chunked in two bursts (many small
/// event chunks and one chunk above the proxy's gathering limit, then, once `release()` is
/// called or after 5 s, the last events), anything else `second answer` with a length.
final class ChunkedUpstream: @unchecked Sendable {
    static let firstBurstEnd = "data: end-of-first-burst\n\n"
    static let small = (0..<40).map { "data: {\"i\":\($0)}\n\n" }
    static let large = "data: " + String(repeating: "L", count: 6000) + "\n\n"
    static let late = (40..<43).map { "data: {\"i\":\($0)}\n\n" }
    static var firstBurst: [String] { small[..<20] + [large] + small[20...] + [firstBurstEnd] }
    static var body: String { (firstBurst + late).joined() }

    private let fd: Int32
    private let released = DispatchSemaphore(value: 0)

    init(port: Int) throws {
        fd = try listenOnLoopback(port: port)
        Thread.detachNewThread { [self] in
            let connection = accept(fd, nil, nil)
            guard connection >= 0 else { return }
            serve(connection)
        }
    }

    func release() { released.signal() }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            guard let headEnd = pending.firstRange(of: Array("\r\n\r\n".utf8)) else {
                let n = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
                guard n > 0 else { return }
                pending += buffer[0..<n]
                continue
            }
            let head = String(decoding: pending[..<headEnd.lowerBound], as: UTF8.self)
            pending.removeSubrange(..<headEnd.upperBound)
            if head.hasPrefix("GET /stream ") {
                send(connection, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Self.firstBurst.map(Self.chunk).joined())
                _ = released.wait(timeout: .now() + 20)
                send(connection, Self.late.map(Self.chunk).joined() + "0\r\n\r\n")
            } else {
                send(connection, "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nsecond answer")
            }
        }
    }

    private static func chunk(_ text: String) -> String {
        String(text.utf8.count, radix: 16) + "\r\n" + text + "\r\n"
    }

    private func send(_ connection: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Foundation.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}
