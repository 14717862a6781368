import CompressNIO
import NIOCore

/// Undoes `Content-Encoding: gzip` / `deflate` on a captured body, so the record holds the JSON
/// or event stream the client read, as the reverse proxy records it (it asks upstreams for
/// identity encoding; a passive capture cannot).
enum HTTPContentDecoder {
    enum Outcome: Equatable {
        /// No content coding, or an identity one: the bytes as they are.
        case identity
        case decoded([UInt8])
        /// A coding Understudy does not decode (br, zstd, …), or corrupt/cut data.
        case failed(String)
    }

    /// Decodes `bytes` per the `Content-Encoding` header value (codings applied in order listed).
    static func decode(_ bytes: [UInt8], contentEncoding: String?, limit: Int) -> Outcome {
        guard let contentEncoding else { return .identity }
        let codings = contentEncoding.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .filter { !$0.isEmpty && $0 != "identity" }
        guard !codings.isEmpty else { return .identity }
        guard !bytes.isEmpty else { return .decoded([]) }
        var current = bytes
        for coding in codings.reversed() {
            switch coding {
            case "gzip", "x-gzip":
                guard let out = inflate(current, algorithms: [.gzip()], limit: limit) else {
                    return .failed("gzip body could not be decoded")
                }
                current = out
            case "deflate":
                // RFC 9110 says zlib-wrapped; some servers send raw deflate. Try both.
                guard let out = inflate(current, algorithms: [.zlib(), .deflate()], limit: limit) else {
                    return .failed("deflate body could not be decoded")
                }
                current = out
            default:
                return .failed("content encoding \(coding) is not decoded")
            }
        }
        return .decoded(current)
    }

    private static func inflate(_ bytes: [UInt8], algorithms: [CompressionAlgorithm], limit: Int) -> [UInt8]? {
        for algorithm in algorithms {
            var buffer = ByteBuffer(bytes: bytes)
            if let out = try? buffer.decompress(with: algorithm, maxSize: limit) {
                return Array(out.readableBytesView)
            }
        }
        return nil
    }
}

import Foundation
