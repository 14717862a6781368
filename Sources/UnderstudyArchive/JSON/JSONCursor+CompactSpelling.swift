/// Checking, during a walk, whether the bytes read are in the writer's compact form
/// (`JSONValue.isCompactForm`): a cursor made with `checkingCompactSpelling` notes whitespace
/// between tokens and reads each string with the compact-string scan first, so that a reader
/// that walks a body anyway (the recorder's `AnswerReader`) learns its spelling in the same pass,
/// without a second pass over the bytes (`JSONValue.hasCompactSpelling`).
extension JSONCursor {
    /// What a cursor knows about the compact spelling of the bytes it read.
    enum CompactSpelling {
        /// Not tracked (the default: parsers and validators that do not need it).
        case unchecked
        /// Tracked, and everything read so far is spelled as the writer spells it.
        case compactSoFar
        /// Tracked until a byte that the writer would not have written; not looked at since.
        case notCompact
    }

    /// A cursor that also tracks whether what it reads is in compact form (`isCompactSoFar`).
    public init(_ bytes: UnsafeBufferPointer<UInt8>, checkingCompactSpelling: Bool) {
        self.init(bytes)
        spelling = checkingCompactSpelling ? .compactSoFar : .unchecked
    }

    /// For a cursor made with `checkingCompactSpelling`: whether every byte it has read so far
    /// (whitespace included) is as `JSONValue.write` would write it. After reading one whole
    /// valid value and `skipWhitespace()` to the end, this is `JSONValue.isCompactForm` of the bytes.
    public var isCompactSoFar: Bool { spelling == .compactSoFar }

    /// Whitespace between tokens: the writer writes none.
    @inline(__always)
    mutating func noteWhitespace() {
        if spelling == .compactSoFar { spelling = .notCompact }
    }

    /// While tracking: moves past the string at the cursor (its opening quote) when it is in
    /// compact form and returns whether it was plain (no escape, no non-ASCII byte); else notes
    /// that the bytes are not compact, stays put and returns nil, for the caller's own scan.
    @inline(__always)
    mutating func skipCompactString() -> Bool? {
        guard spelling == .compactSoFar else { return nil }
        if let (end, plain) = JSONValue.compactStringEnd(bytes, from: position + 1) {
            position = end
            return plain
        }
        spelling = .notCompact
        return nil
    }

    /// While tracking: notes whether the string at the cursor is in compact form, without moving
    /// (for `parseString`, which decodes it afterwards).
    @inline(__always)
    mutating func checkCompactString() {
        if spelling == .compactSoFar, JSONValue.compactStringEnd(bytes, from: position + 1) == nil {
            spelling = .notCompact
        }
    }
}
