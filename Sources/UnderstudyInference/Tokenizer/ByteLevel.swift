/// GPT-2's byte-level pieces, as Hugging Face `tokenizers`' `ByteLevel` pre-tokenizer and
/// decoder define them: the byte ↔ printable-character table and the word-splitting regex
/// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`, implemented as
/// a scanner over Unicode scalars (no regex engine, same matches).
public enum ByteLevel {
    /// The printable character standing for each byte.
    public static let byteToCharacter: [Unicode.Scalar] = {
        var printable = Array(33...126) + Array(161...172) + Array(174...255)
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next = 0
        for byte in 0..<256 {
            if printable.contains(byte) {
                table[byte] = Unicode.Scalar(UInt32(byte))!
            } else {
                table[byte] = Unicode.Scalar(UInt32(256 + next))!
                next += 1
            }
        }
        printable.removeAll()
        return table
    }()

    /// The byte each table character stands for.
    public static let characterToByte: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (byte, scalar) in byteToCharacter.enumerated() { map[scalar.value] = UInt8(byte) }
        return map
    }()

    /// The text's UTF-8 bytes, each mapped to its table character.
    public static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var view = String.UnicodeScalarView()
        for byte in bytes { view.append(byteToCharacter[Int(byte)]) }
        return String(view)
    }

    /// The bytes a byte-level token stands for (characters outside the table are kept as UTF-8).
    public static func decode(_ token: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for scalar in token.unicodeScalars {
            if let byte = characterToByte[scalar.value] {
                bytes.append(byte)
            } else {
                bytes.append(contentsOf: Array(String(scalar).utf8))
            }
        }
        return bytes
    }

    /// Splits text into pre-tokens exactly as the GPT-2 regex does.
    public static func split(_ text: String) -> [Substring] {
        let scalars = Array(text.unicodeScalars)
        var pieces: [Range<Int>] = []
        var i = 0
        let n = scalars.count
        @inline(__always) func isLetter(_ s: Unicode.Scalar) -> Bool {
            switch s.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
            default: return false
            }
        }
        @inline(__always) func isNumber(_ s: Unicode.Scalar) -> Bool {
            switch s.properties.generalCategory {
            case .decimalNumber, .letterNumber, .otherNumber: return true
            default: return false
            }
        }
        @inline(__always) func isSpace(_ s: Unicode.Scalar) -> Bool { s.properties.isWhitespace }
        @inline(__always) func isOther(_ s: Unicode.Scalar) -> Bool { !isSpace(s) && !isLetter(s) && !isNumber(s) }
        while i < n {
            let c = scalars[i]
            // Contractions.
            if c == "'" && i + 1 < n {
                let a = scalars[i + 1]
                if a == "s" || a == "t" || a == "m" || a == "d" {
                    pieces.append(i..<(i + 2))
                    i += 2
                    continue
                }
                if i + 2 < n {
                    let b = scalars[i + 2]
                    if (a == "r" && b == "e") || (a == "v" && b == "e") || (a == "l" && b == "l") {
                        pieces.append(i..<(i + 3))
                        i += 3
                        continue
                    }
                }
            }
            // ` ?` + a run of one class.
            let first = (c == " " && i + 1 < n) ? i + 1 : i
            let lead = scalars[first]
            let classTest: ((Unicode.Scalar) -> Bool)?
            if isLetter(lead) {
                classTest = isLetter
            } else if isNumber(lead) {
                classTest = isNumber
            } else if isOther(lead) {
                classTest = isOther
            } else {
                classTest = nil
            }
            if let classTest {
                var end = first + 1
                while end < n && classTest(scalars[end]) { end += 1 }
                pieces.append(i..<end)
                i = end
                continue
            }
            // Whitespace: `\s+(?!\S)` leaves the last space of a run before a non-space to it.
            var end = i + 1
            while end < n && isSpace(scalars[end]) { end += 1 }
            if end < n && end - i > 1 { end -= 1 }
            pieces.append(i..<end)
            i = end
        }
        // Map scalar ranges back to substrings.
        var offsets: [String.Index] = []
        offsets.reserveCapacity(n + 1)
        var index = text.unicodeScalars.startIndex
        for _ in 0..<n {
            offsets.append(index)
            index = text.unicodeScalars.index(after: index)
        }
        offsets.append(text.unicodeScalars.endIndex)
        return pieces.map { text[offsets[$0.lowerBound]..<offsets[$0.upperBound]] }
    }
}
