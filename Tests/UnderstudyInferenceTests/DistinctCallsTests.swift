import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `distinct_calls` (distill/trainer/distinct_calls.py): the trainer's golden file
/// holds generated answer texts and what the rule cuts them to; Swift must cut alike, and stop
/// generating once a repeated call is complete.
struct DistinctCallsTests {
    /// The lines of one of the trainer's golden files (distill/trainer/tests/golden/FILE).
    static func goldenLines(_ file: String) throws -> [OrderedJSON] {
        let url = TestEnvironment.repositoryRoot.appendingPathComponent("distill/trainer/tests/golden/" + file)
        return try GoldenCases.read(url)
    }

    @Test func goldenCasesCutLikeTheTrainer() throws {
        let golden = try Self.goldenLines("distinct_calls.jsonl")
        #expect(golden.count >= 8)
        for item in golden {
            guard case .string(let name)? = item["name"], case .string(let text)? = item["text"],
                case .string(let cut)? = item["cut"]
            else { throw ReferenceError("incomplete golden case \(item.jsonText)") }
            #expect(DistinctCalls.cutRepeats(text) == cut, "\(name)")
        }
    }

    /// Lets every token through; complete never (the grammar's part is not under test here).
    final class Anything: TokenConstraint {
        func mask(_ logits: inout [Float]) {}
        func allows(_ token: Int32) -> Bool { true }
        func accept(_ token: Int32) throws {}
        var isComplete: Bool { false }
    }

    static let tokens: [String] = [
        #"{"content":null,"tool_calls":["#, #"{"name":"ls","arguments":{}}"#, ",",
        #"{"name":"cat","arguments":{"file_name":"#, "<S0>", "<S1>", "}}", #"{"name":"echo","arguments":{"content":"}"#,
        #"","file_name":<S0>}}"#,
    ]

    /// Whether generation has stopped after each of `ids`.
    static func stops(_ ids: [Int32]) throws -> [Bool] {
        let index = VocabularyIndex(
            size: tokens.count, tokens: tokens.enumerated().map { (Int32($0.offset), Array($0.element.utf8)) })
        let stop = DistinctCalls.stop(Anything(), index: index)
        return try ids.map { id in
            try stop.accept(id)
            return stop.isComplete
        }
    }

    @Test func generationStopsWhenARepeatedCallIsComplete() throws {
        // ls, cat <S0>, ls: stops at the second ls's last token, not before.
        #expect(try Self.stops([0, 1, 2, 3, 4, 6, 2, 1]) == [false, false, false, false, false, false, false, true])
        // cat <S0>, cat <S1>: different values, no stop; cat <S0> again stops.
        #expect(try Self.stops([0, 3, 4, 6, 2, 3, 5, 6, 2, 3, 4, 6]).suffix(5) == [false, false, false, false, true])
        // a "}" inside a string closes no call.
        #expect(try Self.stops([0, 7, 8, 2, 7, 8]) == [false, false, false, false, false, true])
    }

    @Test func aSpecialistListingTheFeatureLoadsAndNeverRepeatsACall() throws {
        let directory = try RetrievalHintTests.copy("specialist-distinct", features: ["distinct_calls"], index: false)
        defer { try? FileManager.default.removeItem(at: directory) }
        let specialist = try Specialist(directory: directory)
        #expect(specialist.promptFeatures == ["distinct_calls"])
        for question in ["Book a table at 'Luigi' for 4 people on 2026-05-01.", "Cancel booking BK-2231 and BK-2231."] {
            let answer = try specialist.answer([.init(role: "user", content: question)])
            let calls = answer.response?.toolCalls.map { "\($0.name) \($0.arguments.jsonText)" } ?? []
            #expect(Set(calls).count == calls.count, "\(answer.text)")
        }
    }
}
