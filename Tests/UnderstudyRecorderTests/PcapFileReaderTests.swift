import Foundation
import Testing
import UnderstudyArchive
import UnderstudyRecorder
import UnderstudyTestSupport

/// Bad input: files that are not captures, captures cut short, packets cut by the snap length.
final class PcapFileReaderTests {
    let redactor = HeaderRedactor(key: RedactionKey(bytes: Array(repeating: 1, count: 32)))
    /// Holds each test's input file; Swift Testing makes one instance per test, so `deinit` is
    /// the test's cleanup.
    let directory: URL

    init() throws { directory = try TestEnvironment.temporaryDirectory("pcap-reader") }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func exchangeSegments(count: Int, responseSegmentSize: Int = 1400) -> [PcapTestSegment] {
        var flow = PcapTestFlow()
        var segments = flow.handshake()
        let body = String(repeating: "x", count: 3000)
        for _ in 0..<count {
            segments += flow.send("GET /v1/models HTTP/1.1\r\nHost: h\r\n\r\n", fromClient: true)
            segments += flow.send("HTTP/1.1 200 OK\r\nContent-Length: 3000\r\n\r\n", fromClient: false)
            segments += flow.send(body, fromClient: false, segmentSize: responseSegmentSize)
        }
        return segments + flow.close()
    }

    func temporaryFile(_ bytes: [UInt8]) throws -> URL {
        let url = directory.appendingPathComponent("input.pcap")
        try Data(bytes).write(to: url)
        return url
    }

    @Test func rejectsAFileThatIsNotACaptureNamingIt() throws {
        let url = try temporaryFile(Array("{\"v\":1}\nnot a capture at all\n".utf8))
        #expect {
            try PcapFileReader(path: url.path)
        } throws: { error in
            let text = String(describing: error)
            return text.contains(url.path) && text.contains("pcap")
        }
    }

    @Test func rejectsEmptyAndMissingFiles() throws {
        let empty = try temporaryFile([])
        #expect(throws: PcapError.self) { try PcapFileReader(path: empty.path) }
        #expect(throws: PcapError.self) { try PcapFileReader(path: empty.path + ".missing") }
    }

    @Test func importsWhatPrecedesTheCutOfATruncatedFile() throws {
        let bytes = PcapTestCapture(segments: exchangeSegments(count: 2)).pcapBytes()
        // Cut inside the last data packet's record.
        let url = try temporaryFile(Array(bytes.prefix(bytes.count - 200)))
        final class Box: @unchecked Sendable { var items: [Exchange] = [] }
        let box = Box()
        let summary = try PcapImporter(redactor: redactor).importFile(at: url.path) { box.items.append($0) }
        #expect(summary.truncation?.contains("truncated") == true)
        #expect(box.items.count == 2)
        #expect(box.items.first?.response?.body.bytes.count == 3000)
        #expect(box.items.first?.error == nil)
        #expect(box.items.last?.error != nil)  // the second response lost its tail to the cut
    }

    @Test func countsSnaplenCutPacketsAndMarksTheirBodiesIncomplete() throws {
        var capture = PcapTestCapture(segments: exchangeSegments(count: 2, responseSegmentSize: 1000))
        capture.snapLength = 600
        let url = try temporaryFile(capture.pcapBytes())
        final class Box: @unchecked Sendable { var items: [Exchange] = [] }
        let box = Box()
        let summary = try PcapImporter(redactor: redactor).importFile(at: url.path) { box.items.append($0) }
        #expect(summary.snaplenCutPackets == 6)
        #expect(box.items.count == 2)
        for exchange in box.items {
            #expect(exchange.response?.status == 200)
            #expect(exchange.response?.body.truncated == true)
            #expect(exchange.error?.contains("incomplete") == true)
        }
    }
}
