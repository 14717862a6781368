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
    static func parse(_ bytes: [UInt8], kind: HTTP1MessageParser.Kind, strict: Bool = false) throws(Failure) -> HTTP1Head {
        let lines = lineRanges(bytes)
        return try overRawBytes(bytes) { bytes throws(Failure) in
            try parse(bytes, lines: lines, kind: kind, strict: strict)
        }
    }

    /// Header or trailer field lines (a trailer section, for example); see `parseFields(_:lines:)`.
    static func parseFields(_ bytes: [UInt8]) throws(Failure) -> [HTTPHeaderField] {
        try parseFields(bytes, lines: lineRanges(bytes)[...])
    }

    /// Header or trailer field lines; obsolete line folding is joined to the previous field.
    static func parseFields(
        _ bytes: [UInt8], lines: ArraySlice<Range<Int>>, strict: Bool = false
    ) throws(Failure) -> [HTTPHeaderField] {
        try overRawBytes(bytes) { bytes throws(Failure) in try parseFields(bytes, lines: lines, strict: strict) }
    }

    /// `body` over the raw bytes: a slice of the array retained and released its storage for every
    /// line, name and value (a fifth of the event loops' retains per request, by uprobe count).
    /// The value is taken out of the result, not copied (`get()` copied a head: a retain per string).
    private static func overRawBytes<T>(
        _ bytes: [UInt8], _ body: (Bytes) throws(Failure) -> T
    ) throws(Failure) -> T {
        let result: Result<T, Failure> = bytes.withUnsafeBufferPointer { bytes in
            do throws(Failure) {
                return .success(try body(bytes))
            } catch {
                return .failure(error)
            }
        }
        switch consume result {
        case .success(let value): return value
        case .failure(let error): throw error
        }
    }

    private typealias Bytes = UnsafeBufferPointer<UInt8>
    private typealias Line = Slice<UnsafeBufferPointer<UInt8>>

    private static func parse(
        _ bytes: Bytes, lines: [Range<Int>], kind: HTTP1MessageParser.Kind, strict: Bool
    ) throws(Failure) -> HTTP1Head {
        guard let startLine = lines.first else { throw .badStartLine("") }
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
            let fields = try parseFields(bytes, lines: lines.dropFirst(), strict: strict)
            return HTTP1Head(method: string(method), target: string(target), version: string(version), headers: fields)
        case .response:
            guard let firstSpace else { throw bad() }
            let version = line[..<firstSpace]
            let code = line[(firstSpace + 1)..<(secondSpace ?? line.endIndex)]
            guard version.starts(with: "HTTP/1.".utf8), code.count == 3, code.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
            else { throw bad() }
            let status = code.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            let reason = secondSpace.map { string(line[($0 + 1)...]) } ?? ""
            let fields = try parseFields(bytes, lines: lines.dropFirst(), strict: strict)
            return HTTP1Head(status: status, reason: reason, version: string(version), headers: fields)
        }
    }

    private static func parseFields(
        _ bytes: Bytes, lines: ArraySlice<Range<Int>>, strict: Bool
    ) throws(Failure) -> [HTTPHeaderField] {
        var fields: [HTTPHeaderField] = []
        fields.reserveCapacity(lines.count)
        for range in lines {
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

    /// The lines without their terminators; empty lines (the one that ends the head) are dropped.
    /// Split on bytes, not characters: Swift treats CR LF as one character.
    static func lineRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        lines.reserveCapacity(16)
        var start = 0
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x0a {
                var end = index
                if end > start && bytes[end - 1] == 0x0d { end -= 1 }
                if end > start { lines.append(start..<end) }
                start = index + 1
            }
            index += 1
        }
        if start < bytes.count { lines.append(start..<bytes.count) }
        return lines
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
    private static func string(_ bytes: Line) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
