import Testing
import UnderstudyArchive

/// Record ids: 26 Crockford base32 characters, the creation millisecond first, so that ids sort
/// by time and `archive cat --id` can find a record's time again.
struct ULIDTests {
    @Test func idsCarryTheirMillisecondAndSortByIt() {
        let alphabet = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
        let instants: [UInt64] = [0, 1, 31, 32, 1_790_000_000_123, 1_790_000_000_124, (1 << 48) - 1]
        var previous = ""
        var seen = Set<String>()
        for ms in instants {
            for _ in 0..<50 {
                let id = ULID.generate(milliseconds: ms)
                #expect(id.utf8.count == 26 && id.utf8.allSatisfy(alphabet.contains), "\(id)")
                #expect(ULID.milliseconds(of: id) == ms, "\(id)")
                seen.insert(id)
            }
            let id = ULID.generate(milliseconds: ms)
            #expect(id > previous, "a later millisecond sorts after: \(id) vs \(previous)")
            previous = id
        }
        #expect(seen.count == instants.count * 50, "80 random bits: no two ids alike")
    }
}
