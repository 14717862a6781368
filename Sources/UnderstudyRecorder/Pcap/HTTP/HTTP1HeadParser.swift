import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import UnderstudyArchive

/// Parses the bytes of a complete message head (start line and header lines, CRLF or bare LF).
/// Works on byte ranges of the raw bytes: one `String` per name and value, none per line, no
/// retain per slice (the proxy parses every request and upstream response head with it).
enum HTTP1HeadParser {
    enum Failure: Error, Equatable, CustomStringConvertible {
        case badStartLine(String)
        case badHeaderLine(String)

        var description: String {
            switch self {
            case .badStartLine(let line): "bad start line \"\(line)\""
            case .badHeaderLine(let line): "bad header line \"\(line)\""
            }
        }
    }

    /// `strict` (what a server owes its clients, RFC 9112 §2.2, §5): field names must be tokens,
    /// no obsolete line folding, no control characters in the target or the values; the pcap
    /// importer parses leniently what it overhears.
    static func parse(
        _ bytes: [UInt8], kind: HTTP1MessageParser.Kind, strict: Bool = false
    ) throws(Failure) -> HTTP1Head {
        try overRawBytes(bytes) { bytes throws(Failure) in try parse(bytes, kind: kind, strict: strict) }
    }

    /// The same over a head where it lies in a read buffer (`HTTP1HeadCollector.take`'s slice):
    /// the proxy parses every request and response head this way, without copying it.
    static func parse(
        _ head: ByteBuffer, kind: HTTP1MessageParser.Kind, strict: Bool = false
    ) throws(Failure) -> HTTP1Head {
        var parsed: Result<HTTP1Head, Failure>?
        head.withUnsafeReadableBytes { raw in
            parsed = catching { () throws(Failure) in
                try parse(raw.assumingMemoryBound(to: UInt8.self), kind: kind, strict: strict)
            }
        }
        return try taken(&parsed)
    }

    /// Header or trailer field lines (a trailer section, for example); obsolete line folding is
    /// joined to the previous field.
    static func parseFields(_ bytes: [UInt8]) throws(Failure) -> [HTTPHeaderField] {
        try overRawBytes(bytes) { bytes throws(Failure) in
            var lines = Lines(bytes)
            return try parseFields(bytes, lines: &lines, strict: false)
        }
    }

    /// `body` over the raw bytes: a slice of the array retained and released its storage for every
    /// line, name and value (a fifth of the event loops' retains per request, by uprobe count).
    private static func overRawBytes<T>(
        _ bytes: [UInt8], _ body: (Bytes) throws(Failure) -> T
    ) throws(Failure) -> T {
        var result: Result<T, Failure>?
        bytes.withUnsafeBufferPointer { bytes in result = catching { () throws(Failure) in try body(bytes) } }
        return try taken(&result)
    }

    private static func catching<T>(_ body: () throws(Failure) -> T) -> Result<T, Failure> {
        do throws(Failure) {
            return .success(try body())
        } catch {
            return .failure(error)
        }
    }

    /// The value moved out of the closure's result: returning it from inside the closure, or
    /// binding it out of a `switch`, copied the head (a retain and a release per string in it).
    /// The copy that remained inside `parse` came from the head's `String?` fields (see
    /// `StoredOptionalString`).
    private static func taken<T>(_ result: inout Result<T, Failure>?) throws(Failure) -> T {
        switch result.take()! {
        case .success(let value): return value
        case .failure(let error): throw error
        }
    }

    private typealias Bytes = UnsafeBufferPointer<UInt8>
    private typealias Line = Slice<UnsafeBufferPointer<UInt8>>

    private static func parse(
        _ bytes: Bytes, kind: HTTP1MessageParser.Kind, strict: Bool
    ) throws(Failure) -> HTTP1Head {
        var lines = Lines(bytes)
        guard let startLine = lines.next() else { throw .badStartLine("") }
        let line = bytes[startLine]
        let firstSpace = line.firstIndex(of: 0x20)
        let secondSpace = firstSpace.flatMap { line[($0 + 1)...].firstIndex(of: 0x20) }
        func bad() -> Failure { .badStartLine(String(decoding: line.prefix(80), as: UTF8.self)) }
        // Each part is checked first, then the head is built once with its fields (building it
        // and then setting `headers` copied it: one retain and release per string in it).
        switch kind {
        case .request:
            guard let firstSpace, let secondSpace else { throw bad() }
            let method = line[..<firstSpace]
            let target = line[(firstSpace + 1)..<secondSpace]
            let version = line[(secondSpace + 1)...]
            guard isToken(method), version.starts(with: "HTTP/1.".utf8), !target.isEmpty else { throw bad() }
            if strict {
                guard version.count == 8, version.last! >= 0x30, version.last! <= 0x39,
                      !target.contains(where: { $0 < 0x21 || $0 == 0x7f }) else { throw bad() }
            }
            let fields = try parseFields(bytes, lines: &lines, strict: strict)
            return HTTP1Head(method: string(method), target: string(target), version: string(version), headers: fields)
        case .response:
            guard let firstSpace else { throw bad() }
            let version = line[..<firstSpace]
            let code = line[(firstSpace + 1)..<(secondSpace ?? line.endIndex)]
            guard version.starts(with: "HTTP/1.".utf8), code.count == 3, code.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
            else { throw bad() }
            let status = code.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            let reason = secondSpace.map { string(line[($0 + 1)...]) } ?? ""
            let fields = try parseFields(bytes, lines: &lines, strict: strict)
            return HTTP1Head(status: status, reason: reason, version: string(version), headers: fields)
        }
    }

    private static func parseFields(
        _ bytes: Bytes, lines: inout Lines, strict: Bool
    ) throws(Failure) -> [HTTPHeaderField] {
        var fields: [HTTPHeaderField] = []
        fields.reserveCapacity(lines.remainingUpperBound)
        while let range = lines.next() {
            let line = bytes[range]
            if strict, !isStrictField(line) {
                throw .badHeaderLine(String(decoding: line.prefix(80), as: UTF8.self))
            }
            if let first = line.first, first == 0x20 || first == 0x09, !fields.isEmpty {
                fields[fields.count - 1].value += " " + string(trimmed(line))
                continue
            }
            guard let colon = line.firstIndex(of: 0x3a), colon != line.startIndex else {
                throw .badHeaderLine(String(decoding: line.prefix(80), as: UTF8.self))
            }
            fields.append(HTTPHeaderField(string(line[..<colon]), string(trimmed(line[(colon + 1)...]))))
        }
        return fields
    }

    /// The lines without their terminators, found as they are asked for (an array of their ranges
    /// cost an allocation per head); empty lines (the one that ends the head) are skipped. Split
    /// on bytes, not characters: Swift treats CR LF as one character.
    private struct Lines: IteratorProtocol {
        let bytes: Bytes
        private var start = 0

        init(_ bytes: Bytes) { self.bytes = bytes }

        mutating func next() -> Range<Int>? {
            while start < bytes.count {
                let lineStart = start
                let index = lineFeed(from: start) ?? bytes.count
                start = index + 1
                var end = index
                if end > lineStart, index < bytes.count, bytes[end - 1] == 0x0d { end -= 1 }
                if end > lineStart { return lineStart..<end }
            }
            return nil
        }

        /// At least as many as the lines left: their line feeds, and one unterminated line.
        var remainingUpperBound: Int {
            var count = 1
            var index = start
            while let lf = lineFeed(from: index) {
                count += 1
                index = lf + 1
            }
            return count
        }

        private func lineFeed(from index: Int) -> Int? {
            guard index < bytes.count, let base = bytes.baseAddress,
                let hit = memchr(base + index, 0x0a, bytes.count - index)
            else { return nil }
            return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
        }
    }

    /// RFC 9110 §5.6.2 `token`: letters, digits and ``!#$%&'*+-.^_`|~``.
    static func isToken(_ bytes: some Collection<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy { byte in
            switch byte {
            case 0x30...0x39, 0x41...0x5a, 0x61...0x7a, 0x21, 0x23...0x27, 0x2a, 0x2b, 0x2d, 0x2e, 0x5e...0x60, 0x7c, 0x7e:
                return true
            default:
                return false
            }
        }
    }

    /// `name: value` with a token name and no control character but tab in the value.
    private static func isStrictField(_ line: Line) -> Bool {
        guard let colon = line.firstIndex(of: 0x3a), isToken(line[..<colon]) else { return false }
        return !line[(colon + 1)...].contains { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7f }
    }

    /// Spaces and tabs cut from both ends.
    private static func trimmed(_ bytes: Line) -> Line {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return bytes[start..<end]
    }

    /// Header bytes are ISO-8859-1 in principle; UTF-8 with replacement keeps ASCII exact.
    /// A recurring spelling comes back as its literal (`KnownFieldText`: no allocation).
    private static func string(_ bytes: Line) -> String {
        let buffer = UnsafeBufferPointer(rebasing: bytes)
        return KnownFieldText.string(UnsafeRawBufferPointer(buffer)) ?? String(decoding: buffer, as: UTF8.self)
    }
}
