/// Prompt feature `question_spans` (prompt format v4, distill/trainer/PROMPT_FORMAT.md "Prompt
/// features"; the trainer's `distill/trainer/spans.py`): every unit of the user's text — a number,
/// a run of letters, or one other non-space character — is followed by a pointer token `<Wk>`, and
/// an answer writes a value found in the question as the run of consecutive pointers spanning it.
/// Reading back joins the question text from the run's first unit to its last verbatim.
///
/// ```swift
/// var units = QuestionSpans()
/// units.point("Weather in New York, USA?")  // Weather<W0> in<W1> New<W2> York<W3>,<W4> USA<W5>?<W6>
/// units.text(2, 5)                          // "New York, USA"
/// ```
public struct QuestionSpans: Sendable, Equatable {
    /// The feature's name in specialist.json `prompt_features`.
    public static let feature = "question_spans"
    /// Units past this many get no pointer.
    public static let maxPointers = 128
    /// A number value is a run of at most this many units (`-` `5`).
    static let maxNumberUnits = 2

    struct Unit: Sendable, Equatable {
        var source: Int
        var start: Int
        var end: Int
    }

    /// The pointed-at texts, as Unicode scalars (offsets count code points, as Python's do).
    var sources: [[Unicode.Scalar]] = []
    var units: [Unit] = []

    public init() {}

    /// Number of pointers of the prompt.
    public var count: Int { units.count }

    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        s == " " || s == "\t" || s == "\n" || s == "\r" || s.value == 0x0B || s.value == 0x0C
    }
    static func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 48 && s.value <= 57 }
    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        (s.value >= 65 && s.value <= 90) || (s.value >= 97 && s.value <= 122) || s.value >= 0x80
    }

    /// The units of `text`: `[0-9]+(\.[0-9]+)?`, a run of ASCII letters and non-ASCII scalars,
    /// or one other scalar that is not ASCII whitespace (the trainer's regex, leftmost first).
    static func scan(_ text: [Unicode.Scalar]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var i = 0
        while i < text.count {
            let start = i
            if isDigit(text[i]) {
                while i < text.count, isDigit(text[i]) { i += 1 }
                if i + 1 < text.count, text[i] == ".", isDigit(text[i + 1]) {
                    i += 1
                    while i < text.count, isDigit(text[i]) { i += 1 }
                }
            } else if isLetter(text[i]) {
                while i < text.count, isLetter(text[i]) { i += 1 }
            } else if isSpace(text[i]) {
                i += 1
                continue
            } else {
                i += 1
            }
            ranges.append(start..<i)
        }
        return ranges
    }

    /// `text` (escaped user content) with a pointer right after each unit: the BPE still sees
    /// " word" as without pointers, and the pointer can attend to the unit it stands for.
    public mutating func point(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        let source = sources.count
        sources.append(scalars)
        var out = String.UnicodeScalarView()
        var last = 0
        for range in Self.scan(scalars) {
            guard units.count < Self.maxPointers else { break }
            out.append(contentsOf: scalars[last..<range.upperBound])
            out.append(contentsOf: "<W\(units.count)>".unicodeScalars)
            units.append(Unit(source: source, start: range.lowerBound, end: range.upperBound))
            last = range.upperBound
        }
        out.append(contentsOf: scalars[last...])
        return String(out)
    }

    /// The question text the pointer run `first...last` covers; nil when the run is outside the
    /// prompt's units or crosses two messages.
    public func text(_ first: Int, _ last: Int) -> String? {
        guard first >= 0, first <= last, last < units.count, units[first].source == units[last].source else {
            return nil
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: sources[units[first].source][units[first].start..<units[last].end])
        return String(view)
    }

    /// The first (then shortest) run whose text is the answer leaf: a string by equal text, a
    /// number by equal value over at most two units.
    func find(_ value: OrderedJSON) -> (first: Int, last: Int)? {
        switch value {
        case .string(let s):
            let needle = Array(s.unicodeScalars)
            guard !needle.isEmpty else { return nil }
            for (first, unit) in units.enumerated() {
                let text = sources[unit.source]
                guard unit.start + needle.count <= text.count,
                    text[unit.start..<unit.start + needle.count].elementsEqual(needle)
                else { continue }
                for last in first..<units.count {
                    let end = units[last]
                    if end.source != unit.source || end.end > unit.start + needle.count { break }
                    if end.end == unit.start + needle.count { return (first, last) }
                }
            }
            return nil
        case .number(let number):
            guard let target = Double(number) else { return nil }
            for first in units.indices {
                for last in first..<min(first + Self.maxNumberUnits, units.count) {
                    guard units[last].source == units[first].source, let piece = text(first, last) else { break }
                    if PromptSlotTable.isNumberText(piece), Double(piece) == target { return (first, last) }
                }
            }
            return nil
        default: return nil
        }
    }

    /// The pointer run as the answer writes it: `<W4><W5><W6>`.
    static func render(_ run: (first: Int, last: Int)) -> String {
        (run.first...run.last).map { "<W\($0)>" }.joined()
    }

    /// Each unit's text as UTF-8 (for typing pointer runs in the constraint).
    var unitTexts: [[UInt8]] {
        units.map { unit in
            var view = String.UnicodeScalarView()
            view.append(contentsOf: sources[unit.source][unit.start..<unit.end])
            return Array(String(view).utf8)
        }
    }
}
