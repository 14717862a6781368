import UnderstudyWire
import CFuzzDriver

/// SSE parser: any bytes, split anywhere, must give the same events as fed whole (the parser
/// promises chunking does not matter), and never crash.
@_cdecl("FuzzSSE_main")
public func fuzzSSEMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    understudy_fuzz_main(argc, argv, { data, size in fuzzSSE(data!, size) })
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSSE(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let first = bytes.first else { return 0 }
    let input = Array(bytes.dropFirst())
    let dispatchIncomplete = first & 1 == 1
    var whole = SSEParser()
    let expected = whole.feed(input) + whole.finish(dispatchIncomplete: dispatchIncomplete)

    // Split into pieces whose sizes come from the first byte (1 to 16 bytes).
    let step = Int(first >> 4) + 1
    var split = SSEParser()
    var got: [SSEParser.ParsedEvent] = []
    var start = 0
    while start < input.count {
        let end = min(input.count, start + step)
        got += split.feed(input[start..<end])
        start = end
    }
    got += split.finish(dispatchIncomplete: dispatchIncomplete)
    precondition(got == expected, "SSE events differ when the input is fed in pieces of \(step) bytes")
    return 0
}
