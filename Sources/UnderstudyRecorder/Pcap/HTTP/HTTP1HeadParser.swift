import UnderstudyArchive

/// Parses the bytes of a complete message head (start line and header lines, CRLF or bare LF).
enum HTTP1HeadParser {
    enum Failure: Error, Equatable {
        case badStartLine(String)
        case badHeaderLine(String)
    }

    static func parse(_ bytes: [UInt8], kind: HTTP1MessageParser.Kind) throws(Failure) -> HTTP1Head {
        var lines = splitLines(bytes)
        guard !lines.isEmpty else { throw .badStartLine("") }
        let startLine = lines.removeFirst()
        var head: HTTP1Head
        let parts = startLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        switch kind {
        case .request:
            guard parts.count == 3, isToken(parts[0]), parts[2].hasPrefix("HTTP/1."), !parts[1].isEmpty else {
                throw .badStartLine(String(startLine.prefix(80)))
            }
            head = HTTP1Head(method: String(parts[0]), target: String(parts[1]), version: String(parts[2]))
        case .response:
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let status = Int(parts[1]) else {
                throw .badStartLine(String(startLine.prefix(80)))
            }
            head = HTTP1Head(status: status, reason: parts.count == 3 ? String(parts[2]) : "", version: String(parts[0]))
        }
        head.headers = try parseFields(lines)
        return head
    }

    /// Header or trailer field lines; obsolete line folding is joined to the previous field.
    static func parseFields(_ lines: [Substring]) throws(Failure) -> [HTTPHeaderField] {
        var fields: [HTTPHeaderField] = []
        for line in lines {
            if let first = line.first, first == " " || first == "\t", !fields.isEmpty {
                fields[fields.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                throw .badHeaderLine(String(line.prefix(80)))
            }
            let name = line[..<colon]
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            fields.append(HTTPHeaderField(String(name), value))
        }
        return fields
    }

    /// Lines without their terminators; the empty line that ends the head is dropped. Split on
    /// bytes, not characters: Swift treats CR LF as one character.
    static func splitLines(_ bytes: [UInt8]) -> [Substring] {
        var lines: [Substring] = []
        var start = 0
        for index in bytes.indices where bytes[index] == 0x0a {
            var end = index
            if end > start && bytes[end - 1] == 0x0d { end -= 1 }
            if end > start {
                // Header bytes are ISO-8859-1 in principle; UTF-8 with replacement keeps ASCII exact.
                lines.append(Substring(String(decoding: bytes[start..<end], as: UTF8.self)))
            }
            start = index + 1
        }
        if start < bytes.count {
            lines.append(Substring(String(decoding: bytes[start...], as: UTF8.self)))
        }
        return lines
    }

    static func isToken(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2d || byte == 0x5f || byte == 0x2e || byte == 0x21 || byte == 0x7e
        }
    }
}

import Foundation
