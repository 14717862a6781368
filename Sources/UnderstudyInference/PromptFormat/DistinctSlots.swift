/// Prompt feature `distinct_slots` (distill/trainer/distinct_slots.py, PROMPT_FORMAT.md "Prompt
/// features"): within one call, decoding never writes a value slot `<Sk>` the call already wrote.
/// No training call of the BFCL multi-turn suites writes one value twice (0 of 1,446 calls), but a
/// scratch specialist does: `book_flight` with `<S3>` as class, date, origin and destination, or
/// `diff` of one file with itself. The rule works on tokens: a call starts where the text
/// `{"name":` ends, and slot tokens it wrote are masked until the next call starts.
///
/// ```swift
/// let constraint = DistinctSlots(jsonConstraint, index: index)
/// let result = try model.generate(prompt: ids, configuration: configuration, constraint: constraint)
/// ```
public final class DistinctSlots: TokenConstraint {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "distinct_slots"
    static let callStart = Array(#"{"name":"#.utf8)
    let inner: any TokenConstraint
    let index: VocabularyIndex
    private var text: [UInt8] = []
    private var written: Set<Int32> = []

    /// - Parameters:
    ///   - inner: the constraint that decides which tokens may come (the JSON grammar).
    ///   - index: the vocabulary index that gives each token's bytes and tells slot tokens apart.
    public init(_ inner: any TokenConstraint, index: VocabularyIndex) {
        self.inner = inner
        self.index = index
    }

    public var isComplete: Bool { inner.isComplete }

    public func mask(_ logits: inout [Float]) {
        inner.mask(&logits)
        for token in written where Int(token) < logits.count { logits[Int(token)] = -Float.infinity }
    }

    public func allows(_ token: Int32) -> Bool { !written.contains(token) && inner.allows(token) }

    public func accept(_ token: Int32) throws {
        try inner.accept(token)
        let bytes = index.bytes(of: token)
        let before = text.count
        text += bytes
        // A new call starts when `{"name":` ends inside this token's bytes.
        let from = max(0, before - Self.callStart.count + 1)
        if text.count >= Self.callStart.count, from <= text.count - Self.callStart.count,
            (from...(text.count - Self.callStart.count)).contains(where: {
                text[$0..<($0 + Self.callStart.count)].elementsEqual(Self.callStart)
            })
        {
            written = []
        }
        if Self.isValueSlot(bytes) { written.insert(token) }
    }

    /// `<Sk>` (the pointers of `question_spans` are not values on their own: a run of them is one).
    static func isValueSlot(_ bytes: [UInt8]) -> Bool {
        bytes.count > 3 && bytes[0] == UInt8(ascii: "<") && bytes[1] == UInt8(ascii: "S")
            && bytes.last == UInt8(ascii: ">") && bytes[2..<(bytes.count - 1)].allSatisfy { (0x30...0x39).contains($0) }
    }
}
