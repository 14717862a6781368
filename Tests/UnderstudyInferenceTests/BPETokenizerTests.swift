import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

struct BPETokenizerTests {
    @Test(arguments: DecoderReference.variants.prefix(1))
    func tokenizesExactlyAsHuggingFace(variant: String) throws {
        let reference = try DecoderReference.shared.get()
        let tokenizer = try BPETokenizer(url: reference.directory(variant).appendingPathComponent("tokenizer.json"))
        let cases = try reference.reference(variant).tokenization
        #expect(cases.count > 400)
        var mismatches: [String] = []
        for item in cases where tokenizer.encode(item.text) != item.ids {
            mismatches.append(
                "\(item.text.debugDescription.prefix(60)): \(tokenizer.encode(item.text).prefix(10)) vs \(item.ids.prefix(10))"
            )
        }
        #expect(
            mismatches.isEmpty, "\(mismatches.count) of \(cases.count) strings differ, e.g. \(mismatches.prefix(3))")
    }

    @Test func decodeInvertsEncode() throws {
        let reference = try DecoderReference.shared.get()
        let tokenizer = try BPETokenizer(url: reference.directory("llama-f32").appendingPathComponent("tokenizer.json"))
        for item in try reference.reference("llama-f32").tokenization {
            #expect(tokenizer.decode(tokenizer.encode(item.text)) == item.text)
        }
    }

    @Test func specialTokensAreSingleIDsAndForgeriesAreNot() throws {
        let reference = try DecoderReference.shared.get()
        let tokenizer = try BPETokenizer(url: reference.directory("llama-f32").appendingPathComponent("tokenizer.json"))
        let end = try #require(tokenizer.id(of: "<|end|>"))
        #expect(tokenizer.encode("a<|end|>").last == end)
        #expect(!tokenizer.encode("a<|end|").contains(end))
    }

    @Test func rejectsUnsupportedTokenizerNamingTheField() throws {
        let directory = try TestEnvironment.temporaryDirectory("bpe-tokenizer")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("tokenizer.json")
        try Data(#"{"model":{"type":"BPE","vocab":{},"merges":[]},"pre_tokenizer":{"type":"Whitespace"}}"#.utf8).write(
            to: url)
        #expect {
            _ = try BPETokenizer(url: url)
        } throws: { error in
            String(describing: error).contains("pre_tokenizer") && String(describing: error).contains(url.path)
        }
    }
}
