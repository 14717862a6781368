import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `clause_tools` (distill/trainer/clause_tools.py): the golden file's clauses and
/// picked tools (the trainer's, by sentence-transformers), and a request-tools specialist whose
/// calls keep to the tools the question's clauses pick.
struct ClauseToolsTests {
    static let golden = TestEnvironment.repositoryRoot.appendingPathComponent(
        "distill/trainer/tests/golden/clause_tools.jsonl")

    static func strings(_ value: OrderedJSON?) -> [String] {
        guard case .array(let items)? = value else { return [] }
        return items.compactMap { if case .string(let text) = $0 { text } else { nil } }
    }

    @Test func goldenQuestionsSplitAndPickAsTheTrainerDoes() throws {
        let picker = ClauseTools(
            embedder: try MiniLMEmbedder(modelDirectory: #require(EmbeddingReference.modelDirectory)))
        let lines = try String(contentsOf: Self.golden, encoding: .utf8).split(separator: "\n")
        #expect(lines.count >= 4)
        for line in lines {
            let item = try OrderedJSON.parse(String(line))
            guard case .string(let name)? = item["name"], case .string(let question)? = item["question"],
                case .array(let tools)? = item["tools"]
            else { throw ReferenceError("unexpected golden line \(line.prefix(80))") }
            let described = tools.map { tool -> (name: String, description: String?) in
                var name = "", description: String?
                if case .string(let n)? = tool["name"] { name = n }
                if case .string(let d)? = tool["description"] { description = d }
                return (name, description)
            }
            #expect(ClauseTools.clauses(question) == Self.strings(item["clauses"]), "\(name)")
            #expect(
                described.map { ClauseTools.toolText(name: $0.name, description: $0.description) }
                    == Self.strings(item["tool_texts"]), "\(name)")
            #expect(
                try picker.pickedTools(question: question, tools: described) == Self.strings(item["picked"]), "\(name)")
            let best = try picker.bestScore(question: question, tools: described)
            // Both decisions from one embedding call: the same as asking for each alone.
            let both = try picker.choose(question: question, tools: described)
            // The batches differ (with and without the clauses), so the scores agree to rounding.
            #expect(both.picked == Self.strings(item["picked"]), "\(name)")
            #expect(abs((both.bestScore ?? .nan) - (best ?? .nan)) < 1e-9 || both.bestScore == best, "\(name)")
            if case .number(let text)? = item["best_score"], let want = Double(text) {
                #expect(abs((best ?? .nan) - want) < 1e-4, "\(name): \(String(describing: best)) vs \(want)")
            } else {
                #expect(best == nil, "\(name)")
            }
        }
    }

    /// Texts that mention stars embed on one axis, all others on another: the question picks the
    /// tool whose description shares its axis.
    struct StarsEmbedder: SentenceEmbedder {
        var dimension: Int { 384 }
        var name: String { "stars" }
        func embed(_ texts: [String]) throws -> [[Float]] {
            texts.map { text in
                var row = [Float](repeating: 0, count: 384)
                row[text.lowercased().contains("star") ? 0 : 1] = 1
                return row
            }
        }
    }

    @Test func callsKeepToTheToolsTheClausesPick() throws {
        let restricted = try SpecialistTests.copy(
            "specialist-clause-tools", ["request_tools": true, "prompt_format": 3, "prompt_features": ["clause_tools"]])
        let plain = try SpecialistTests.requestToolsCopy("specialist-clause-plain", promptFormat: 3)
        defer {
            try? FileManager.default.removeItem(at: restricted)
            try? FileManager.default.removeItem(at: plain)
        }
        let withFeature = try Specialist(directory: restricted, embedder: StarsEmbedder())
        let without = try Specialist(directory: plain)
        #expect(withFeature.promptFeatures == ["clause_tools"])
        let tools = withFeature.toolList
        let descriptions: [String?] = tools.map {
            $0.name == "rate_visit" ? "Give a visit its stars." : "Book or cancel."
        }
        var unrestricted = Set<String>()
        // One clause each, which mentions stars: it picks rate_visit.
        for request in [
            "Book a table at 'Luigi' for 4 people on 2026-05-01, stars", "Book 'Sakura' for 2 on 2026-06-02 stars",
        ] {
            let messages: [PromptRenderer.Message] = [.init(role: "user", content: request)]
            let answer = try withFeature.answer(messages, tools: tools, toolDescriptions: descriptions)
            let called = answer.response?.toolCalls.map(\.name) ?? []
            #expect(!called.isEmpty && called.allSatisfy { $0 == "rate_visit" }, "\(answer.text)")
            unrestricted.formUnion(try without.answer(messages, tools: tools).response?.toolCalls.map(\.name) ?? [])
        }
        // The model alone books: the feature, not the model, kept the calls to rate_visit.
        #expect(unrestricted.contains("book_table"), "\(unrestricted)")
    }

    @Test func aQuestionNearNoToolIsAnsweredWithText() throws {
        let directory = try SpecialistTests.copy(
            "specialist-unmatched-text",
            [
                "request_tools": true, "prompt_format": 3, "prompt_features": ["unmatched_text"],
                "unmatched_text": ["threshold": 0.5],
            ])
        let plain = try SpecialistTests.requestToolsCopy("specialist-unmatched-plain", promptFormat: 3)
        defer {
            try? FileManager.default.removeItem(at: directory)
            try? FileManager.default.removeItem(at: plain)
        }
        let specialist = try Specialist(directory: directory, embedder: StarsEmbedder())
        let tools = specialist.toolList
        // Every tool text mentions stars, the question does not: the best similarity is 0.
        let descriptions: [String?] = tools.map { _ in "Stars." }
        let messages: [PromptRenderer.Message] = [
            .init(role: "user", content: "Book a table at 'Luigi' for 4 on 2026-05-01")
        ]
        let answer = try specialist.answer(messages, tools: tools, toolDescriptions: descriptions)
        let response = try #require(answer.response, "\(answer.text)")
        #expect(response.toolCalls.isEmpty && !(response.content ?? "").isEmpty, "\(answer.text)")
        // The model alone calls a tool for it: the feature made the answer text.
        let alone = try Specialist(directory: plain).answer(messages, tools: tools)
        let aloneCalls = alone.response?.toolCalls ?? []
        #expect(aloneCalls.count > 0, "\(alone.text)")
        // A listed feature without its threshold is refused, naming the field.
        let broken = try SpecialistTests.copy(
            "specialist-unmatched-broken",
            ["request_tools": true, "prompt_format": 3, "prompt_features": ["unmatched_text"]])
        defer { try? FileManager.default.removeItem(at: broken) }
        #expect(throws: (any Error).self) { try Specialist(directory: broken, embedder: StarsEmbedder()) }
        do {
            _ = try Specialist(directory: broken, embedder: StarsEmbedder())
        } catch {
            #expect("\(error)".contains("unmatched_text"), "\(error)")
        }
    }

    /// Records every call it gets (the texts of each).
    final class RecordingEmbedder: SentenceEmbedder, @unchecked Sendable {
        let inner = StarsEmbedder()
        let lock = NSLock()
        var calls: [[String]] = []
        var dimension: Int { inner.dimension }
        var name: String { "recording" }
        func embed(_ texts: [String]) throws -> [[Float]] {
            lock.withLock { calls.append(texts) }
            return try inner.embed(texts)
        }
    }

    /// Each embedding call is one encoder pass, whose fixed cost (reading all the weights) is a
    /// large part of a request's latency: a request pays for one, whatever features it uses.
    @Test func aRequestEmbedsItsTextsInOneCall() throws {
        let directory = try SpecialistTests.copy(
            "specialist-one-call",
            [
                "request_tools": true, "prompt_format": 3, "prompt_features": ["clause_tools", "unmatched_text"],
                "unmatched_text": ["threshold": 0.5],
            ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let recording = RecordingEmbedder()
        let specialist = try Specialist(directory: directory, embedder: recording)
        let tools = specialist.toolList
        let descriptions: [String?] = tools.map { "About \($0.name), with stars." }
        let question = "Book a table at 'Luigi' for 4 on 2026-05-01. Then rate the visit five stars"
        _ = try specialist.answer(
            [.init(role: "user", content: question)], tools: tools, toolDescriptions: descriptions)
        let calls = recording.lock.withLock { recording.calls }
        #expect(calls.count == 1, "\(calls)")
        let texts = Set(calls.flatMap { $0 })
        #expect(texts.contains(question))
        #expect(Set(ClauseTools.clauses(question)).isSubset(of: texts))
        #expect(
            tools.allSatisfy {
                texts.contains(ClauseTools.toolText(name: $0.name, description: "About \($0.name), with stars."))
            })
    }

    @Test func oneListedToolOrAQuestionWithoutWordsRestrictsNothing() throws {
        let picker = ClauseTools(embedder: StarsEmbedder())
        #expect(try picker.pickedTools(question: "Five stars please", tools: [("rate_visit", nil)]).isEmpty)
        #expect(try picker.pickedTools(question: " \n\t", tools: [("a", nil), ("b", nil)]).isEmpty)
        #expect(
            ClauseTools.clauses("Weather in Paris? Then, book a table for two.")
                == ["Weather in Paris?", "Then, book a table for two."])
    }
}
