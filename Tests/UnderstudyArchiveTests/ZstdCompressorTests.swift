import Foundation
import Testing
import UnderstudyArchive
import UnderstudyTestSupport

/// The compressor works in place where libzstd can (1.4.4 and later) and copies where it cannot.
struct ZstdCompressorTests {
    static let lines = Array(
        (0..<2000).map { #"{"v":1,"id":"\#($0)","note":"a line of a frame"}"# + "\n" }.joined().utf8)

    /// Two frames from the same context, as `zstd -dc` decodes them.
    static func roundTrip(_ compressor: ZstdCompressor) throws -> [UInt8] {
        var file: [UInt8] = []
        var scratch: [UInt8] = []
        for _ in 0..<2 {
            let length = try lines.withUnsafeBufferPointer {
                try compressor.compressFrame($0, flushPoints: [lines.count / 2], into: &scratch)
            }
            file += scratch.prefix(length)
        }
        let directory = try SampleExchanges.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("frames.zst")
        try Data(file).write(to: url)
        let decoded = try ProcessRunner.run(URL(fileURLWithPath: "/bin/sh"), ["-c", "zstd -dc '\(url.path)'"])
        #expect(decoded.status == 0, "\(decoded.stderr)")
        return Array(decoded.stdout.utf8)
    }

    @Test func inPlaceWhenLibzstdKnowsStableBuffers() throws {
        let compressor = try ZstdCompressor(level: 3)
        #expect(compressor.inPlace)
        #expect(try Self.roundTrip(compressor) == Self.lines + Self.lines)
    }

    /// A libzstd older than 1.4.4 refuses the stable-buffer parameters (here: a parameter number
    /// no libzstd knows, refused the same way): the compressor still opens and its frames decode.
    @Test func copiesWhenLibzstdRefusesStableBuffers() throws {
        let compressor = try ZstdCompressor(
            level: 3, stableBuffers: [ZstdCompressor.stableBufferParameters[0], 4999])
        #expect(!compressor.inPlace)
        #expect(try Self.roundTrip(compressor) == Self.lines + Self.lines)
    }
}
