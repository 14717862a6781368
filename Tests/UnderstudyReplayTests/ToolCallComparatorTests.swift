import Testing
import UnderstudyArchive
import UnderstudyReplay
import UnderstudyWire

/// BFCL AST-checker semantics on recorded tool calls.
struct ToolCallComparatorTests {
    let comparator = ToolCallComparator()

    func call(_ name: String, _ arguments: String) throws -> ToolCall {
        ToolCall(name: name, arguments: try JSONValue(parsing: arguments))
    }

    @Test func integerAndFloatAreEqualWhenNumericallyEqual() throws {
        let result = comparator.compare(
            expected: [try call("convert", #"{"amount": 100, "rate": 0.5}"#)],
            actual: [try call("convert", #"{"amount": 100.0, "rate": 0.50}"#)])
        #expect(result.match, "\(result.reason)")
        let wrong = comparator.compare(
            expected: [try call("convert", #"{"amount": 100}"#)], actual: [try call("convert", #"{"amount": 100.5}"#)])
        #expect(!wrong.match)
        #expect(wrong.reason.contains("amount"))
    }

    @Test func stringsAreNormalizedLikeBFCL() throws {
        let result = comparator.compare(
            expected: [try call("book", #"{"city": "New York", "date": "April 1, 2024", "quote": "it's"}"#)],
            actual: [try call("book", #"{"city": "new-york", "date": "april 1 2024", "quote": "it\"s"}"#)])
        #expect(result.match, "\(result.reason)")
        let different = comparator.compare(
            expected: [try call("book", #"{"city": "Paris"}"#)], actual: [try call("book", #"{"city": "Lyon"}"#)])
        #expect(!different.match)
        #expect(different.reason.contains("city"))
    }

    @Test func parallelCallsMatchInAnyOrder() throws {
        let expected = [try call("weather", #"{"city": "Paris"}"#), try call("weather", #"{"city": "Rome"}"#)]
        let swapped = [try call("weather", #"{"city": "Rome"}"#), try call("weather", #"{"city": "Paris"}"#)]
        #expect(comparator.compare(expected: expected, actual: swapped).match)
        let duplicated = [try call("weather", #"{"city": "Rome"}"#), try call("weather", #"{"city": "Rome"}"#)]
        #expect(!comparator.compare(expected: expected, actual: duplicated).match)
    }

    @Test func missingAndExtraArgumentsAreMismatches() throws {
        let expected = [try call("send", #"{"to": "a@b.c", "subject": "hi"}"#)]
        let missing = comparator.compare(expected: expected, actual: [try call("send", #"{"to": "a@b.c"}"#)])
        #expect(!missing.match)
        #expect(missing.reason.contains("missing argument 'subject'"))
        let extra = comparator.compare(
            expected: expected, actual: [try call("send", #"{"to": "a@b.c", "subject": "hi", "cc": "x@y.z"}"#)])
        #expect(!extra.match)
        #expect(extra.reason.contains("unexpected argument 'cc'"))
    }

    @Test func wrongFunctionAndWrongCountAreMismatches() throws {
        let wrong = comparator.compare(
            expected: [try call("get_weather", #"{"city": "Paris"}"#)], actual: [try call("get_time", #"{"city": "Paris"}"#)])
        #expect(!wrong.match)
        #expect(wrong.reason.contains("wrong function"))
        let count = comparator.compare(expected: [try call("a", "{}")], actual: [try call("a", "{}"), try call("a", "{}")])
        #expect(!count.match)
        #expect(count.reason.contains("wrong number of calls"))
    }

    @Test func typesMustAgree() throws {
        let result = comparator.compare(
            expected: [try call("set", #"{"level": 5}"#)], actual: [try call("set", #"{"level": "5"}"#)])
        #expect(!result.match)
        #expect(result.reason.contains("expected number"))
    }

    @Test func listsKeepOrderAndDictsCompareByKey() throws {
        let expected = [try call("plan", #"{"stops": ["Paris", "Rome"], "opts": {"fast": true, "seats": 2}}"#)]
        #expect(comparator.compare(
            expected: expected, actual: [try call("plan", #"{"opts": {"seats": 2.0, "fast": true}, "stops": ["paris", "rome"]}"#)]
        ).match)
        #expect(!comparator.compare(
            expected: expected, actual: [try call("plan", #"{"stops": ["Rome", "Paris"], "opts": {"fast": true, "seats": 2}}"#)]
        ).match)
        #expect(!comparator.compare(
            expected: expected, actual: [try call("plan", #"{"stops": ["Paris", "Rome"], "opts": {"fast": true}}"#)]
        ).match)
    }
}
