import Testing
import UnderstudyRecorder

struct PcapTCPStreamReassemblerTests {
    let a = TCPEndpoint(address: IPAddress(v4: 10, 0, 0, 1), port: 40_000)
    let b = TCPEndpoint(address: IPAddress(v4: 10, 0, 0, 2), port: 80)

    func segment(_ sequence: UInt32, _ text: String = "", flags: TCPFlags = [.ack], missing: Int = 0, at micros: Int64 = 0)
        -> TCPSegment
    {
        TCPSegment(
            source: a, destination: b, sequence: sequence, flags: flags, payload: Array(text.utf8),
            missingBytes: missing, timestampMicros: micros)
    }

    /// Feeds the segments and renders the stream: data as text, gaps as `<gap N>`.
    func stream(_ segments: [TCPSegment], reassembler: TCPStreamReassembler = TCPStreamReassembler(), flush: Bool = true)
        -> (String, TCPStreamReassembler)
    {
        var reassembler = reassembler
        var events: [TCPStreamReassembler.Event] = []
        for segment in segments { reassembler.receive(segment, into: &events) }
        if flush { reassembler.flush(timestampMicros: 0, into: &events) }
        var text = ""
        for event in events {
            switch event {
            case .data(let bytes, _): text += String(decoding: bytes, as: UTF8.self)
            case .gap(let count, _): text += "<gap \(count)>"
            }
        }
        return (text, reassembler)
    }

    @Test func deliversInOrderDataAfterTheHandshake() {
        let (text, state) = stream([segment(99, flags: [.syn]), segment(100, "hello "), segment(106, "world")])
        #expect(text == "hello world")
        #expect(state.sawSYN)
        #expect(!state.startedMidstream)
    }

    @Test func reordersOutOfOrderSegments() {
        let (text, state) = stream(
            [segment(99, flags: [.syn]), segment(106, "world", at: 2), segment(100, "hello ", at: 3)], flush: false)
        #expect(text == "hello world")
        #expect(state.statistics.outOfOrderSegments == 1)
        #expect(!state.hasBufferedData)
    }

    @Test func dropsRetransmissionsAndKeepsTheFirstCopyOfOverlaps() {
        // "hello " then a retransmission of it, then an overlapping segment whose overlapping
        // bytes differ: the bytes delivered first win.
        let (text, state) = stream([
            segment(99, flags: [.syn]), segment(100, "hello "), segment(100, "hello "), segment(103, "XXXworld"),
        ])
        #expect(text == "hello world")
        #expect(state.statistics.duplicateBytes == 9)
    }

    @Test func firstArrivalWinsAmongBufferedSegmentsWithTheSameStart() {
        let (text, _) = stream([
            segment(99, flags: [.syn]), segment(106, "world"), segment(106, "WORLD"), segment(100, "hello "),
        ])
        #expect(text == "hello world")
    }

    @Test func handlesSequenceNumberWraparound() {
        let isn: UInt32 = 0xffff_fffa
        let first = segment(isn &+ 1, "abcdef")  // crosses 2^32 inside this segment
        let second = segment(isn &+ 7, "ghij")
        let (text, _) = stream([segment(isn, flags: [.syn]), second, first])
        #expect(text == "abcdefghij")
    }

    @Test func reportsAHoleAsAGapWhenFlushed() {
        let (text, state) = stream([segment(99, flags: [.syn]), segment(100, "abc"), segment(108, "xyz")])
        #expect(text == "abc<gap 5>xyz")
        #expect(state.statistics.gapBytes == 5)
        #expect(state.isFinished)
    }

    @Test func skipsTheHoleWhenTheBufferOverflowsInsteadOfGrowing() {
        let reassembler = TCPStreamReassembler(maxBufferedBytes: 8)
        let (text, state) = stream(
            [segment(99, flags: [.syn]), segment(110, "12345"), segment(115, "67890")], reassembler: reassembler,
            flush: false)
        #expect(text == "<gap 10>1234567890")
        #expect(!state.hasBufferedData)
    }

    @Test func anchorsOnTheFirstDataSegmentWithoutASYN() {
        let (text, state) = stream([segment(5000, "middle "), segment(5007, "of a stream")])
        #expect(text == "middle of a stream")
        #expect(state.startedMidstream)
    }

    @Test func turnsSnaplenCutBytesIntoAGapAtOnce() {
        let (text, _) = stream(
            [segment(99, flags: [.syn]), segment(100, "head", missing: 6), segment(110, "tail")], flush: false)
        #expect(text == "head<gap 6>tail")
    }

    @Test func finishesAtTheFINAndIgnoresLaterData() {
        let (text, state) = stream(
            [segment(99, flags: [.syn]), segment(100, "bye", flags: [.ack, .fin]), segment(104, "late")], flush: false)
        #expect(text == "bye")
        #expect(state.isFinished)
        #expect(state.sawFIN)
    }

    @Test func waitsForAHoleBeforeTheFIN() {
        var reassembler = TCPStreamReassembler()
        var events: [TCPStreamReassembler.Event] = []
        reassembler.receive(segment(99, flags: [.syn]), into: &events)
        reassembler.receive(segment(103, "def", flags: [.ack, .fin]), into: &events)
        #expect(!reassembler.isFinished)
        reassembler.receive(segment(100, "abc"), into: &events)
        #expect(reassembler.isFinished)
        #expect(events.count == 2)
    }
}
