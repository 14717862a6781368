/// Finds person names and street addresses: entities with no fixed shape, recognised from the
/// words around them. A known given name followed by a capitalised word, a title ("Dr.") or a
/// cue ("my name is", "Hi") before capitalised words; a house number, capitalised words and a
/// street suffix, optionally followed by unit, city, state and ZIP. Confidences are lower than
/// for the structured detectors and thresholds are configurable.
struct ContextDetector {
    struct Word {
        var start: Int
        var end: Int
        var capitalized: Bool
        var digits: Bool
        /// Whether every byte is ASCII: then byte comparisons give what `String` ones would.
        var ascii: Bool
        /// Whether it starts with an uppercase letter or a digit: only such words can start or
        /// end a name or address, and only they are looked up (others read as the empty word).
        var hasText: Bool
    }

    /// A word list asked about word slices: on bytes for ASCII words, through `String` (Unicode
    /// equality, Character counts) for the rare words with other characters.
    struct Lexicon: Sendable {
        let bytes: ByteWordSet
        let strings: Set<String>

        init(_ words: some Sequence<String>) {
            strings = Set(words)
            bytes = ByteWordSet(strings)
        }

        func contains(_ b: UnsafeBufferPointer<UInt8>, _ w: Word) -> Bool {
            guard w.hasText else { return false }
            return w.ascii ? bytes.contains(b, w.start..<w.end) : strings.contains(ContextDetector.text(b, w))
        }
    }

    static let personFields: Set<String> = [
        "name", "full_name", "fullname", "first_name", "firstname", "last_name", "lastname", "customer_name",
        "contact_name", "assignee", "author", "owner", "recipient", "sender", "employee", "patient", "attendee",
        "passenger", "guest", "display_name", "displayname", "customer", "contact", "user_name", "manager",
        "given_name", "family_name", "cardholder", "holder_name", "to_name", "from_name",
    ]
    static let addressFields: Set<String> = [
        "address", "street", "street_address", "shipping_address", "billing_address", "home_address", "address_line1",
        "mailing_address",
    ]
    static let unitWords: Set<String> = ["Apt", "Suite", "Unit", "Ste", "Fl", "Floor", "Room", "Rm"]
    static let militaryStart: Set<String> = ["PSC", "Unit", "USNS", "USS", "USNV", "USCGC", "CMR"]
    static let sharedStrongCues = Set(NameLexicon.strongCues)
    /// Longer words are no title: checked before lowercasing a word to look it up.
    static let sharedLongestStrongCue = NameLexicon.strongCues.map(\.utf8.count).max()!
    static let ambiguousGivenNames: Set<String> = [
        "April", "May", "June", "August", "Will", "Grant", "Hope", "Faith", "Joy", "Summer", "Dawn", "Autumn", "Mark",
        "Bill",
    ]
    static let sharedWeakCues = NameLexicon.weakCuePhrases.map { Array($0.utf8) }
    // The lexicons as asked about word slices.
    static let sharedNotNames = Lexicon(NameLexicon.notNames)
    static let sharedStreetSuffixes = Lexicon(NameLexicon.streetSuffixSet)
    static let sharedFirstNames = Lexicon(NameLexicon.firstNameSet)
    static let sharedSurnames = Lexicon(NameLexicon.surnameSet)
    static let sharedStates = Lexicon(NameLexicon.stateSet)
    static let sharedAmbiguousGiven = Lexicon(ambiguousGivenNames)
    static let sharedUnits = Lexicon(unitWords)
    static let sharedMilitaryStarts = Lexicon(militaryStart)
    static let sharedMilitaryStates = Lexicon(["AA", "AE", "AP"])
    static let sharedDirections = Lexicon(["N", "S", "E", "W", "NE", "NW", "SE", "SW"])
    static let sharedOrdinalSuffixes = Lexicon(["st", "nd", "rd", "th"])
    static let sharedStrongCueBytes = ByteWordSet(NameLexicon.strongCues)

    // The word lists as stored properties: a `static let` costs a `swift_once` call per access,
    // and these are read for nearly every capitalised word.
    let notNames = ContextDetector.sharedNotNames
    let streetSuffixes = ContextDetector.sharedStreetSuffixes
    let firstNames = ContextDetector.sharedFirstNames
    let surnames = ContextDetector.sharedSurnames
    let states = ContextDetector.sharedStates
    let ambiguousGiven = ContextDetector.sharedAmbiguousGiven
    let units = ContextDetector.sharedUnits
    let militaryStarts = ContextDetector.sharedMilitaryStarts
    let militaryStates = ContextDetector.sharedMilitaryStates
    let directions = ContextDetector.sharedDirections
    let ordinalSuffixes = ContextDetector.sharedOrdinalSuffixes
    let strongCueBytes = ContextDetector.sharedStrongCueBytes
    let weakCueLastBytes = ContextDetector.sharedWeakCueLastBytes
    let weakCues = ContextDetector.sharedWeakCues
    let strongCues = ContextDetector.sharedStrongCues
    let longestStrongCue = ContextDetector.sharedLongestStrongCue

    /// The word's text as the `String` the lexicons were written for ("" for words that cannot
    /// start a name or address): the slow path, for words with non-ASCII characters.
    static func text(_ b: UnsafeBufferPointer<UInt8>, _ w: Word) -> String {
        w.hasText ? String(decoding: UnsafeBufferPointer(rebasing: b[w.start..<w.end]), as: UTF8.self) : ""
    }

    /// The word's length in `Character`s, as `text(b, w).count` (bytes for ASCII words).
    @inline(__always) static func length(_ b: UnsafeBufferPointer<UInt8>, _ w: Word) -> Int {
        guard w.hasText else { return 0 }
        return w.ascii ? w.end - w.start : text(b, w).count
    }
    /// The bytes weak cues end with (a space): the byte before a word rules most of them out.
    static let sharedWeakCueLastBytes: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for cue in sharedWeakCues {
            table[Int(cue.last!)] = true
            table[Int(ByteClass.isLower(cue.last!) ? cue.last! & 0xDF : cue.last!)] = true
        }
        return table
    }()

    /// Names and addresses in `b`, which holds an uppercase letter (`EntityDetector` checks:
    /// every name and address starts with a capital or a digit followed by one).
    func detect(_ b: UnsafeBufferPointer<UInt8>, field: [UInt8]?, into out: inout [DetectedEntity]) {
        let words = Self.words(b)
        if let field {
            let name = String(decoding: field, as: UTF8.self)
            if Self.personFields.contains(name), (1...4).contains(words.count),
                words.allSatisfy({ $0.capitalized || $0.end - $0.start == 1 })
            {
                out.append(
                    DetectedEntity(type: .person, range: words[0].start..<words[words.count - 1].end, confidence: 0.9))
                return
            }
            if Self.addressFields.contains(name), words.count >= 2, words.contains(where: { $0.digits }) {
                out.append(
                    DetectedEntity(
                        type: .streetAddress, range: words[0].start..<words[words.count - 1].end, confidence: 0.9))
                return
            }
        }
        var k = 0
        while k < words.count {
            if words[k].digits, let address = address(b, words, at: k) {
                out.append(address.entity)
                k = address.next
                continue
            }
            if words[k].end - words[k].start == 3, b[words[k].start + 1] == 0x50, b[words[k].start + 2] == 0x4F,
                b[words[k].start] == 0x41 || b[words[k].start] == 0x46 || b[words[k].start] == 0x44,
                let military = militaryAddress(b, words, at: k)
            {
                out.append(military)
            }
            if words[k].capitalized, let person = person(b, words, at: k) {
                out.append(person.entity)
                k = person.next
                continue
            }
            k += 1
        }
    }

    /// Byte classes for `words`, one table load per byte.
    private static let starts: UInt8 = 1, continues: UInt8 = 2, digit: UInt8 = 4, nonASCII: UInt8 = 8
    private static let joins: UInt8 = 16, alpha: UInt8 = 32
    private static let wordBytes: [UInt8] = (0..<256).map { v in
        let b = UInt8(v)
        var bits: UInt8 = 0
        if ByteClass.isAlnum(b) || b >= 0xC0 { bits |= starts }
        if ByteClass.isAlnum(b) || b >= 0x80 { bits |= continues }
        if ByteClass.isDigit(b) { bits |= digit }
        if b >= 0x80 { bits |= nonASCII }
        if b == 0x27 || b == 0x2D { bits |= joins }
        if ByteClass.isAlpha(b) { bits |= alpha }
        return bits
    }

    static func words(_ b: UnsafeBufferPointer<UInt8>) -> [Word] {
        wordBytes.withUnsafeBufferPointer { table in words(b, table) }
    }

    private static func words(_ b: UnsafeBufferPointer<UInt8>, _ table: UnsafeBufferPointer<UInt8>) -> [Word] {
        var words: [Word] = []
        words.reserveCapacity(b.count / 6 + 1)
        var i = 0
        let n = b.count
        while i < n {
            guard table[Int(b[i])] & starts != 0 else {
                i += 1
                continue
            }
            let start = i
            var seen: UInt8 = 0
            var nonDigit = false
            // Letters, digits and non-ASCII bytes; an apostrophe or hyphen only before a letter.
            while i < n {
                let c = table[Int(b[i])]
                guard c & continues != 0 || (c & joins != 0 && i + 1 < n && table[Int(b[i + 1])] & alpha != 0)
                else { break }
                seen |= c
                nonDigit = nonDigit || c & digit == 0
                i += 1
            }
            let allDigits = !nonDigit
            let ascii = seen & nonASCII == 0
            var end = i
            // Possessive: "Sarah's" is the name "Sarah".
            if end - start > 3 && b[end - 2] == 0x27 && b[end - 1] == 0x73 { end -= 2 }
            let first = b[start]
            let capitalized = ByteClass.isUpper(first) && end - start >= 2 && !ByteClass.isUpper(b[start + 1])
            words.append(
                Word(
                    start: start, end: end, capitalized: capitalized, digits: allDigits, ascii: ascii,
                    hasText: ByteClass.isUpper(first) || ByteClass.isDigit(first)))
        }
        return words
    }

    /// The bytes between two words.
    private static func gap(_ b: UnsafeBufferPointer<UInt8>, _ a: Word, _ c: Word) -> Slice<UnsafeBufferPointer<UInt8>>
    { b[a.end..<c.start] }

    private func isNameWord(_ b: UnsafeBufferPointer<UInt8>, _ w: Word) -> Bool {
        w.capitalized && !notNames.contains(b, w) && !streetSuffixes.contains(b, w)
    }

    private func person(_ b: UnsafeBufferPointer<UInt8>, _ words: [Word], at k: Int) -> (
        entity: DetectedEntity, next: Int
    )? {
        let w = words[k]
        // "April Pearson", "Will Smith": words that are usually not names are given names when a
        // known surname follows.
        if !isNameWord(b, w) {
            guard w.capitalized, ambiguousGiven.contains(b, w), k + 1 < words.count,
                surnames.contains(b, words[k + 1]), Self.gap(b, w, words[k + 1]).elementsEqual([0x20])
            else { return nil }
            return (DetectedEntity(type: .person, range: w.start..<words[k + 1].end, confidence: 0.8), k + 2)
        }
        let isFirst = firstNames.contains(b, w)
        var strong = false
        if k > 0 {
            // A title, capitalised as titles are ("Dr. Okafor"; not "249 ms. Charge").
            let previous = words[k - 1]
            let between = Self.gap(b, previous, w)
            if previous.capitalized || Self.length(b, previous) <= 3 && ByteClass.isUpper(b[previous.start]),
                previous.end - previous.start <= longestStrongCue,
                previous.ascii
                    ? strongCueBytes.containsLowercased(b, previous.start..<previous.end)
                    : strongCues.contains(Self.text(b, previous).lowercased()),
                between.elementsEqual([0x2E, 0x20]) || between.elementsEqual([0x20])
            {
                strong = true
            }
        }
        let weak =
            !strong && w.start > 0 && weakCueLastBytes[Int(b[w.start - 1])]
            && weakCues.contains { ByteClass.endsWithIgnoringCase(b, before: w.start, $0) }
        // Every confidence below needs a given name, a title or a cue.
        guard isFirst || strong || weak else { return nil }
        // Following capitalised words joined by one space (or a middle initial "J.").
        var last = k
        while last + 1 < words.count && last - k < 2 {
            let next = words[last + 1]
            let between = Self.gap(b, words[last], next)
            let initial = Self.length(b, words[last]) == 1 && between.elementsEqual([0x2E, 0x20])
            guard between.elementsEqual([0x20]) || initial else { break }
            guard isNameWord(b, next) || (Self.length(b, next) == 1 && ByteClass.isUpper(b[next.start])) else { break }
            last += 1
        }
        let multi = last > k
        var confidence = 0.0
        if isFirst && multi {
            confidence = surnames.contains(b, words[last]) ? 0.95 : 0.8
        } else if strong {
            confidence = 0.9
        } else if weak && isFirst {
            confidence = 0.8
        } else if weak && multi {
            confidence = surnames.contains(b, words[last]) ? 0.8 : 0.6
        } else if weak {
            confidence = 0.45
        }
        guard confidence > 0 else { return nil }
        return (DetectedEntity(type: .person, range: w.start..<words[last].end, confidence: confidence), last + 1)
    }

    private func address(_ b: UnsafeBufferPointer<UInt8>, _ words: [Word], at k: Int) -> (
        entity: DetectedEntity, next: Int
    )? {
        let number = words[k]
        guard (1...6).contains(number.end - number.start), k + 2 < words.count else { return nil }
        guard
            number.start == 0
                || !ByteClass.isAlnum(b[number.start - 1]) && b[number.start - 1] != 0x2E && b[number.start - 1] != 0x24
        else { return nil }
        var j = k + 1
        var suffixAt = -1
        while j < words.count && j - k <= 5 {
            let w = words[j]
            let between = Self.gap(b, words[j - 1], w)
            guard between.elementsEqual([0x20]) else { break }
            let ordinal =
                Self.length(b, w) >= 3 && ByteClass.isDigit(b[w.start])
                && (w.ascii
                    ? ordinalSuffixes.bytes.contains(b, (w.end - 2)..<w.end)
                    : ordinalSuffixes.strings.contains(String(Self.text(b, w).suffix(2))))
            guard w.capitalized || ordinal || directions.contains(b, w) else {
                break
            }
            if j > k + 1 && streetSuffixes.contains(b, w) { suffixAt = j }
            j += 1
        }
        guard suffixAt > 0 else { return nil }
        var end = words[suffixAt].end
        if end < b.count && b[end] == 0x2E { end += 1 }
        var next = suffixAt + 1
        var confidence = 0.85
        // "Apt. 4", "Suite 200"
        if next + 1 < words.count && units.contains(b, words[next])
            && Self.gap(b, words[suffixAt], words[next]).count <= 3
        {
            end = words[next + 1].end
            next += 2
        }
        // ", Springfield, IL 62704" or "\nLake Angelaport, NV 12345"
        var c = next
        while c < words.count && c - next < 3 && words[c].capitalized { c += 1 }
        if c > next, c + 1 < words.count, states.contains(b, words[c]), words[c + 1].digits,
            Self.length(b, words[c + 1]) == 5,
            b[words[next].start - 1] != 0x2E
        {
            let lead = Self.gap(b, words[next - 1], words[next])
            if lead.count <= 3 && lead.allSatisfy({ $0 == 0x20 || $0 == 0x2C || $0 == 0x0A }) {
                end = words[c + 1].end
                if c + 2 < words.count && words[c + 2].digits && Self.length(b, words[c + 2]) == 4
                    && b[words[c + 1].end] == 0x2D
                {
                    end = words[c + 2].end
                    c += 1
                }
                next = c + 2
                confidence = 0.95
            }
        }
        return (DetectedEntity(type: .streetAddress, range: number.start..<end, confidence: confidence), next)
    }

    /// "PSC 1234, Box 5678\nAPO AA 12345", "USNS Smith\nFPO AP 12345".
    private func militaryAddress(_ b: UnsafeBufferPointer<UInt8>, _ words: [Word], at k: Int) -> DetectedEntity? {
        guard k + 2 < words.count, militaryStates.contains(b, words[k + 1]), words[k + 2].digits,
            Self.length(b, words[k + 2]) == 5
        else { return nil }
        var start = k
        for back in stride(from: k - 1, through: max(0, k - 5), by: -1)
        where militaryStarts.contains(b, words[back]) {
            start = back
            break
        }
        return DetectedEntity(type: .streetAddress, range: words[start].start..<words[k + 2].end, confidence: 0.9)
    }
}
