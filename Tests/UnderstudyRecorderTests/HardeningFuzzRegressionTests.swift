import Testing
import UnderstudyRecorder

/// Inputs tools/fuzz found, kept as regression tests (tools/fuzz/README.md).
struct HardeningFuzzRegressionTests {
    /// FuzzHTTP1: a response stream that starts with garbage, fed whole and in 11-byte pieces. Fed
    /// whole the parser loses sync and skips it all; in pieces it may resume where a piece starts
    /// like a message (segment boundaries, by design). Neither way may it crash or deliver body
    /// bytes before a head.
    @Test func garbageBeforeAResponseLosesSyncWithoutBodyBytes() {
        let input: [UInt8] = [
        0x0a, 0x54, 0x72, 0x61, 0x6e, 0x73, 0x66, 0x65, 0x72, 0x2d, 0x45, 0x6e, 0x63, 0x6f, 0x64, 0x69,
        0x6e, 0x67, 0x3a, 0x20, 0x63, 0x68, 0x75, 0x6e, 0x6b, 0x65, 0x64, 0x0d, 0x0a, 0x0d, 0x0a, 0x37,
        0x0d, 0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e, 0x31, 0x20, 0x32, 0x30, 0x30, 0x20, 0x4f, 0x4b,
        0x0d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x21, 0x0a, 0x54, 0x72, 0x61, 0x6e, 0x73, 0x66,
        0x65, 0x72, 0x2d, 0x45, 0x6e, 0x63, 0x6f, 0x64, 0x69, 0x6e, 0x67, 0x3a, 0x20, 0x63, 0x68, 0x75,
        0x6e, 0x6b, 0x65, 0x64, 0x0d, 0x0a, 0x0a, 0x61, 0x62, 0x63, 0x0d, 0x0a, 0x30, 0x0a,
        ]
        for step in [input.count, 11, 1] {
            var parser = HTTP1MessageParser(kind: .response)
            parser.expectResponse(toMethod: "POST")
            var events: [HTTP1MessageParser.Event] = []
            var start = 0
            while start < input.count {
                parser.parse(Array(input[start..<min(input.count, start + step)]), into: &events)
                start += step
            }
            parser.close(into: &events)
            var sawHead = false
            for event in events {
                if case .head = event { sawHead = true }
                if case .body = event { #expect(sawHead, "body bytes before any head (pieces of \(step))") }
            }
            if step == input.count {
                #expect(events.contains { if case .lostSync = $0 { true } else { false } })
                #expect(!sawHead)
            }
        }
    }
}
