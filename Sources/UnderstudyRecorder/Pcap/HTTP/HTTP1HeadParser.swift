import UnderstudyArchive

/// Parses the bytes of a complete message head (start line and header lines, CRLF or bare LF).
/// Works on byte ranges: one `String` per name and value, none per line (the proxy's direct path
/// parses every upstream response head with it).
enum HTTP1HeadParser {
    enum Failure: Error, Equatable {
        case badStartLine(String)
        case badHeaderLine(String)
    }

    static func parse(_ bytes: [UInt8], kind: HTTP1MessageParser.Kind) throws(Failure) -> HTTP1Head {
        let lines = lineRanges(bytes)
        guard let startLine = lines.first else { throw .badStartLine("") }
        let line = bytes[startLine]
        let firstSpace = line.firstIndex(of: 0x20)
        let secondSpace = firstSpace.flatMap { line[($0 + 1)...].firstIndex(of: 0x20) }
        func bad() -> Failure { .badStartLine(String(decoding: line.prefix(80), as: UTF8.self)) }
        var head: HTTP1Head
        switch kind {
        case .request:
            guard let firstSpace, let secondSpace else { throw bad() }
            let method = line[..<firstSpace]
            let target = line[(firstSpace + 1)..<secondSpace]
            let version = line[(secondSpace + 1)...]
            guard isToken(method), version.starts(with: versionPrefix), !target.isEmpty else { throw bad() }
            head = HTTP1Head(method: string(method), target: string(target), version: string(version))
        case .response:
            guard let firstSpace else { throw bad() }
            let version = line[..<firstSpace]
            let code = line[(firstSpace + 1)..<(secondSpace ?? line.endIndex)]
            guard version.starts(with: versionPrefix), code.count == 3, code.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
            else { throw bad() }
            let status = code.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            let reason = secondSpace.map { string(line[($0 + 1)...]) } ?? ""
            head = HTTP1Head(status: status, reason: reason, version: string(version))
        }
        head.headers = try parseFields(bytes, lines: lines.dropFirst())
        return head
    }

    /// Header or trailer field lines (a trailer section, for example); see `parseFields(_:lines:)`.
    static func parseFields(_ bytes: [UInt8]) throws(Failure) -> [HTTPHeaderField] {
        try parseFields(bytes, lines: lineRanges(bytes)[...])
    }

    /// Header or trailer field lines; obsolete line folding is joined to the previous field.
    static func parseFields(_ bytes: [UInt8], lines: ArraySlice<Range<Int>>) throws(Failure) -> [HTTPHeaderField] {
        var fields: [HTTPHeaderField] = []
        fields.reserveCapacity(lines.count)
        for range in lines {
            let line = bytes[range]
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

    static func isToken(_ bytes: ArraySlice<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy { byte in
            (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2d || byte == 0x5f || byte == 0x2e || byte == 0x21 || byte == 0x7e
        }
    }

    private static let versionPrefix: [UInt8] = Array("HTTP/1.".utf8)

    /// Spaces and tabs cut from both ends.
    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return bytes[start..<end]
    }

    /// Header bytes are ISO-8859-1 in principle; UTF-8 with replacement keeps ASCII exact.
    private static func string(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
