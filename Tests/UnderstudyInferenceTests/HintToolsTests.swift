import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `hint_tools` (distill/trainer/hint_tools.py): with `retrieval_hint`, every call of
/// an answer names a tool of the nearest neighbour's hint.
struct HintToolsTests {
    /// The tiny specialist with an index of one entry (so every request's nearest hint) that
    /// called `tool`, and the given prompt features.
    static func specialist(_ name: String, features: [String], hintedTool tool: String) throws -> URL {
        let directory = try RetrievalHintTests.copy(name, features: features, index: false)
        let index: [String: Any] = ["format": 1, "k": 1, "hints": [HintTools.callHead(tool)]]
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
}
