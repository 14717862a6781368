import PcapParsers
import CFuzzDriver

/// The HTTP/1.1 parser behind pcap import: any bytes, as a request or a response stream, in
/// pieces, with a gap and an early close, must never crash, and the body bytes it delivers for a
/// stream fed whole and fed in pieces must be the same unless it lost sync.
@_cdecl("FuzzHTTP1_main")
public func fuzzHTTP1Main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    understudy_fuzz_main(argc, argv, { data, size in fuzzHTTP1(data!, size) })
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP1(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard bytes.count >= 2 else { return 0 }
    let kind: HTTP1MessageParser.Kind = bytes[0] & 1 == 0 ? .request : .response
    let step = Int(bytes[0] >> 1) + 1
    let input = Array(bytes.dropFirst(2))

    func run(step: Int) -> [HTTP1MessageParser.Event] {
        var parser = HTTP1MessageParser(kind: kind, maxHeadBytes: 4096)
        if kind == .response { parser.expectResponse(toMethod: bytes[1] & 1 == 0 ? "POST" : "HEAD") }
        var events: [HTTP1MessageParser.Event] = []
        var start = 0
        while start < input.count {
            let end = min(input.count, start + step)
            parser.parse(Array(input[start..<end]), into: &events)
            start = end
        }
        parser.close(into: &events)
        return events
    }
    func body(_ events: [HTTP1MessageParser.Event]) -> [UInt8] {
        events.reduce(into: []) { if case .body(let b) = $1 { $0 += b } }
    }
    // After losing sync the parser resumes only at a segment boundary (by design: that is where a
    // message most likely starts again), so the property holds for streams that never lose sync.
    let whole = run(step: input.count + 1)
    let pieces = run(step: step)
    let lost = (whole + pieces).contains { if case .lostSync = $0 { true } else { false } }
    precondition(lost || body(whole) == body(pieces), "body differs when fed in pieces of \(step)")

    // A gap in the middle must not crash either.
    var parser = HTTP1MessageParser(kind: kind, maxHeadBytes: 4096)
    var events: [HTTP1MessageParser.Event] = []
    let middle = input.count / 2
    parser.parse(Array(input[..<middle]), into: &events)
    parser.gap(Int(bytes[1]), into: &events)
    parser.parse(Array(input[middle...]), into: &events)
    parser.close(into: &events)
    return 0
}
