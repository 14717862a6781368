import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `distinct_slots` (distill/trainer/distinct_slots.py): the trainer's golden file
/// feeds answer texts piece by piece through the tiny specialist's tokenizer and lists the slot
/// tokens the rule bans after each piece; Swift must ban alike, and a specialist listing the
/// feature never writes one slot twice in a call.
struct DistinctSlotsTests {
    @Test func goldenCasesBanLikeTheTrainer() throws {
        let tokenizer = try BPETokenizer(url: SpecialistTests.tiny.appendingPathComponent("tokenizer.json"))
        let index = VocabularyIndex(tokenizer: tokenizer)
        let slots = (0..<64).compactMap { k in tokenizer.id(of: "<S\(k)>").map { ("<S\(k)>", $0) } }
        #expect(slots.count == 64)
        let golden = try DistinctCallsTests.goldenLines("distinct_slots.jsonl")
        #expect(golden.count >= 3)
        for item in golden {
            guard case .string(let name)? = item["name"], case .array(let pieces)? = item["pieces"],
                case .array(let banned)? = item["banned"], pieces.count == banned.count
            else { throw ReferenceError("incomplete golden case \(item.jsonText)") }
            let rule = DistinctSlots(DistinctCallsTests.Anything(), index: index)
            for (piece, want) in zip(pieces, banned) {
                guard case .string(let text) = piece else { throw ReferenceError("piece \(piece.jsonText)") }
                for id in tokenizer.encode(text) { try rule.accept(id) }
                let got = slots.filter { !rule.allows($0.1) }.map(\.0)
                #expect(got == ClauseToolsTests.strings(want), "\(name) after \(text)")
                var logits = [Float](repeating: 0, count: index.size)
                rule.mask(&logits)
                #expect(slots.filter { logits[Int($0.1)] == -.infinity }.map(\.0) == got, "\(name) mask")
            }
        }
    }

    /// Each call's slot tokens, in order.
    static func slotsPerCall(_ text: String) -> [[String]] {
        text.components(separatedBy: #"{"name":"#).dropFirst().map { call in
            call.matches(of: /<S[0-9]+>/).map { String($0.output) }
        }
    }

    @Test func aSpecialistListingTheFeatureNeverWritesASlotTwiceInACall() throws {
        let directory = try RetrievalHintTests.copy("specialist-distinct-slots", features: ["distinct_slots"], index: false)
        let plain = try RetrievalHintTests.copy("specialist-distinct-slots-plain", features: [], index: false)
        defer {
            try? FileManager.default.removeItem(at: directory)
            try? FileManager.default.removeItem(at: plain)
        }
        let specialist = try Specialist(directory: directory)
        #expect(specialist.promptFeatures == ["distinct_slots"])
        let question = [PromptRenderer.Message(role: "user", content: "Book a table at 'Luigi' for 4 people on 2026-05-01.")]
        // The model alone writes <S0> as date, restaurant and time: the feature, not the model, keeps them apart.
        let alone = Self.slotsPerCall(try Specialist(directory: plain).answer(question).text)
        #expect(alone.contains { Set($0).count < $0.count }, "\(alone)")
        let answer = try specialist.answer(question)
        let calls = Self.slotsPerCall(answer.text)
        #expect(!calls.isEmpty && calls.allSatisfy { Set($0).count == $0.count }, "\(answer.text)")
    }
}
