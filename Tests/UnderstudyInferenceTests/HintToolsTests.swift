import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `hint_tools` (distill/trainer/hint_tools.py): with `retrieval_hint`, every call of
/// an answer names a tool of the nearest neighbour's hint.
struct HintToolsTests {
    /// The tiny specialist with an index of one entry (so every request's nearest hint) that
    /// called `tool`, and the given prompt features.
    /// `tool` nil: the one neighbour answered with text (its hint is empty).
    static func specialist(_ name: String, features: [String], hintedTool tool: String?) throws -> URL {
        let directory = try RetrievalHintTests.copy(name, features: features, index: false)
        let index: [String: Any] = ["format": 1, "k": 1, "hints": [tool.map(HintTools.callHead) ?? ""]]
        try JSONSerialization.data(withJSONObject: index).write(to: directory.appendingPathComponent("retrieval.json"))
        // safetensors: u64 header length, JSON header (padded with spaces), then float32 [1, 384].
        var header = Array(#"{"embeddings":{"dtype":"F32","shape":[1,384],"data_offsets":[0,1536]}}"#.utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var file = Data()
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(contentsOf: header)
        for _ in 0..<384 { withUnsafeBytes(of: Float(1).bitPattern.littleEndian) { file.append(contentsOf: $0) } }
        try file.write(to: directory.appendingPathComponent("retrieval.safetensors"))
        return directory
    }

    static func calledTools(_ text: String) -> [String] {
        text.matches(of: /\{"name":"([a-z_]+)","arguments":/).map { String($0.output.1) }
    }

    @Test func callsKeepToTheNearestHintsTools() throws {
        let requests = ["Book a table at 'Luigi' for 4 people on 2026-05-01 at 19:30.", "Book 'Sakura' for 2 on 2026-06-02."]
        let restricted = try Self.specialist(
            "specialist-hint-tools", features: ["retrieval_hint", "hint_tools"], hintedTool: "rate_visit")
        let plain = try Self.specialist("specialist-hint-plain", features: ["retrieval_hint"], hintedTool: "rate_visit")
        defer {
            try? FileManager.default.removeItem(at: restricted)
            try? FileManager.default.removeItem(at: plain)
        }
        let embedder = HashingEmbedder(dimension: 384)
        let withFeature = try Specialist(directory: restricted, embedder: embedder)
        let without = try Specialist(directory: plain, embedder: embedder)
        #expect(withFeature.promptFeatures == ["retrieval_hint", "hint_tools"])
        var unrestricted = Set<String>()
        for request in requests {
            let answer = try withFeature.answer([.init(role: "user", content: request)])
            let called = Self.calledTools(answer.text)
            #expect(!called.isEmpty && called.allSatisfy { $0 == "rate_visit" }, "\(answer.text)")
            unrestricted.formUnion(Self.calledTools(try without.answer([.init(role: "user", content: request)]).text))
        }
        // The model alone books: the feature, not the model, kept the calls to rate_visit.
        #expect(unrestricted.contains("book_table"), "\(unrestricted)")
    }

    @Test func aTextNeighbourOrAnotherToolsHeadRestrictsNothing() {
        let tools: [PromptRenderer.Tool] = [("book_table", nil), ("cancel_booking", nil), ("rate_visit", nil)]
        #expect(HintTools.nearestTools("", among: tools).isEmpty)
        #expect(HintTools.nearestTools(#"{"name":"book","arguments":"#, among: tools).isEmpty)
        let two = HintTools.callHead("rate_visit") + HintTools.callHead("book_table")
        #expect(HintTools.nearestTools(two, among: tools).map(\.name) == ["book_table", "rate_visit"])
    }

    /// Texts that mention booking embed on one axis, all others on another (a stand-in for MiniLM
    /// that makes the clauses' pick certain): "Book a table …" picks book_table, the first tool
    /// whose text ("book table: Book a restaurant table.") shares its axis.
    struct BookingEmbedder: SentenceEmbedder {
        var dimension: Int { 384 }
        var name: String { "booking" }
        func embed(_ texts: [String]) throws -> [[Float]] {
            texts.map { text in
                var row = [Float](repeating: 0, count: 384)
                row[text.lowercased().contains("book") ? 0 : 1] = 1
                return row
            }
        }
    }

    @Test func clauseHintToolsLetTheClausesToolJoinTheHints() throws {
        let joined = try Self.specialist(
            "specialist-clause-hint-tools", features: ["retrieval_hint", "hint_tools", "clause_hint_tools"],
            hintedTool: "rate_visit")
        let hintOnly = try Self.specialist(
            "specialist-clause-hint-only", features: ["retrieval_hint", "hint_tools"], hintedTool: "rate_visit")
        defer {
            try? FileManager.default.removeItem(at: joined)
            try? FileManager.default.removeItem(at: hintOnly)
        }
        let withFeature = try Specialist(directory: joined, embedder: BookingEmbedder())
        let without = try Specialist(directory: hintOnly, embedder: BookingEmbedder())
        #expect(withFeature.promptFeatures.contains(HintTools.clauseFeature))
        let request = [PromptRenderer.Message(role: "user", content: "Book a table at 'Luigi' for 4 people on 2026-05-01.")]
        // The hint alone allows rate_visit only; the clause adds book_table, which the model writes.
        #expect(Self.calledTools(try without.answer(request).text).allSatisfy { $0 == "rate_visit" })
        let called = Self.calledTools(try withFeature.answer(request).text)
        #expect(called.contains("book_table") && called.allSatisfy { ["book_table", "rate_visit"].contains($0) }, "\(called)")
    }

    @Test func goldenClauseHintToolsMatchTheTrainer() throws {
        let golden = TestEnvironment.repositoryRoot.appendingPathComponent(
            "distill/trainer/tests/golden/clause_hint_tools.jsonl")
        let picker = ClauseTools(
            embedder: try MiniLMEmbedder(modelDirectory: #require(EmbeddingReference.modelDirectory)))
        let lines = try String(contentsOf: golden, encoding: .utf8).split(separator: "\n")
        #expect(lines.count >= 4)
        for line in lines {
            let item = try OrderedJSON.parse(String(line))
            guard case .string(let name)? = item["name"], case .string(let question)? = item["question"],
                case .string(let hint)? = item["hint"], case .array(let listed)? = item["tools"]
            else { throw ReferenceError("unexpected golden line \(line.prefix(80))") }
            let described = listed.map { tool -> (name: String, description: String?) in
                var name = "", description: String?
                if case .string(let n)? = tool["name"] { name = n }
                if case .string(let d)? = tool["description"] { description = d }
                return (name, description)
            }
            let tools: [PromptRenderer.Tool] = described.map { ($0.name, nil) }
            // The hint text after its first <|hint|> marker is the nearest neighbour's.
            let nearestHint = hint.components(separatedBy: "<|hint|>").dropFirst().first ?? ""
            let nearest = HintTools.nearestTools(nearestHint, among: tools)
            let picked = try picker.pickedTools(question: question, tools: described)
            #expect(nearest.map(\.name) == ClauseToolsTests.strings(item["nearest"]), "\(name)")
            #expect(picked == ClauseToolsTests.strings(item["picked"]), "\(name)")
            #expect(
                HintTools.joined(nearest, picked: picked, among: tools).map(\.name)
                    == ClauseToolsTests.strings(item["allowed"]), "\(name)")
        }
    }
}
