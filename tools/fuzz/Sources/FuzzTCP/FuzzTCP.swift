import PcapParsers
import CFuzzDriver

/// TCP reassembly: the input is a list of segments (5-byte header: sequence offset (2 bytes),
/// flags, payload length, missing bytes; then the payload). Whatever the order, overlap or
/// flags, the reassembler must not crash, must not deliver more bytes than it was given, and
/// its statistics must add up.
@_cdecl("FuzzTCP_main")
public func fuzzTCPMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    understudy_fuzz_main(argc, argv, { data, size in fuzzTCP(data!, size) })
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTCP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let client = TCPEndpoint(address: IPAddress(v4: 10, 0, 0, 1), port: 40000)
    let server = TCPEndpoint(address: IPAddress(v4: 10, 0, 0, 2), port: 80)
    var reassembler = TCPStreamReassembler(maxBufferedBytes: 4096, maxWindow: 1 << 16)
    var events: [TCPStreamReassembler.Event] = []
    var given = 0
    var i = 0
    let base: UInt32 = 0xFFFF_FF00  // near the wrap-around, where sequence arithmetic breaks first
    while i + 5 <= bytes.count {
        let offset = UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])
        let flags = TCPFlags(rawValue: bytes[i + 2])
        let length = min(Int(bytes[i + 3]), bytes.count - i - 5)
        let missing = Int(bytes[i + 4] & 0x0F)
        let payload = Array(bytes[(i + 5)..<(i + 5 + length)])
        given += payload.count + missing
        reassembler.receive(
            TCPSegment(source: client, destination: server, sequence: base &+ offset, flags: flags, payload: payload,
                       missingBytes: missing, timestampMicros: Int64(i)),
            into: &events)
        i += 5 + length
    }
    let delivered = events.reduce(0) { total, event in
        if case .data(let d, _) = event { return total + d.count }
        return total
    }
    precondition(delivered == reassembler.statistics.deliveredBytes, "delivered bytes and statistics disagree")
    precondition(delivered <= given, "delivered \(delivered) bytes out of \(given) given")
    return 0
}
