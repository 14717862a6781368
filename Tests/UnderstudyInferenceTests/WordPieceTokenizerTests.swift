import Foundation
import Testing
import UnderstudyInference

struct WordPieceTokenizerTests {
    @Test func matchesHuggingFaceTokenizerOnVariedTexts() throws {
        let reference = try EmbeddingReference.shared.get()
        let tokenizer = try WordPieceTokenizer(directory: #require(EmbeddingReference.modelDirectory))
        var mismatches: [String] = []
        for (text, expected) in zip(reference.texts, reference.tokenIDs) {
            let ids = tokenizer.encode(text)
            if ids != expected {
                mismatches.append("\(text.debugDescription.prefix(80)): \(ids.prefix(12)) vs \(expected.prefix(12))")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) texts tokenized differently, e.g. \(mismatches.prefix(3))")
    }

    @Test func truncatesToMaxLengthKeepingSeparator() throws {
        let tokenizer = try WordPieceTokenizer(directory: #require(EmbeddingReference.modelDirectory), maxLength: 16)
        let ids = tokenizer.encode(String(repeating: "flight booking ", count: 50))
        #expect(ids.count == 16)
        #expect(ids.first == tokenizer.vocabulary["[CLS]"])
        #expect(ids.last == tokenizer.vocabulary["[SEP]"])
    }

    @Test func splitsPunctuationLowercasesAndStripsAccents() throws {
        let tokenizer = try WordPieceTokenizer(directory: #require(EmbeddingReference.modelDirectory))
        #expect(tokenizer.encode("Café, NAÏVE!") == tokenizer.encode("cafe , naive !"))
        #expect(tokenizer.encode("中文") == tokenizer.encode("中 文"))
    }
}
