import Testing
import UnderstudyArchive
import UnderstudyInference
import UnderstudyReplay
import UnderstudyWire

/// JSON, text and exact comparison, and which one an exchange gets.
struct ContentComparatorTests {
    let responses = ResponseComparator(text: TextComparator(embedder: HashingEmbedder()))

    @Test func jsonAnswersCompareByValue() {
        let json = JSONComparator()
        #expect(json.compare(expected: #"{"a": 1, "b": [true, "x"]}"#, actual: #"{"b":[true,"x"],"a":1.0}"#).match)
        let different = json.compare(expected: #"{"a": {"b": "x"}}"#, actual: #"{"a": {"b": "y"}}"#)
        #expect(!different.match)
        #expect(different.reason.contains("$.a.b"))
        #expect(!json.compare(expected: #"{"a": 1}"#, actual: "not json").match)
    }

    @Test func rougeLMatchesTheHandComputedValue() {
        // LCS of "the cat sat on the mat" / "the cat is on the mat" = 5 tokens of 6 and 6.
        #expect(abs(RougeL.f1(reference: "The cat sat on the mat.", candidate: "the cat is on the mat") - 5.0 / 6.0) < 1e-9)
        #expect(RougeL.f1(reference: "alpha beta", candidate: "gamma delta") == 0)
    }

    @Test func freeTextNeedsBothSimilarityAndOverlap() {
        let text = TextComparator(embedder: HashingEmbedder(), configuration: .init(minimumCosine: 0.5, minimumRougeL: 0.5))
        let same = text.compare(
            expected: "Your order 1234 has shipped and will arrive on Friday.",
            actual: "Your order 1234 has shipped and should arrive Friday.")
        #expect(same.match, "\(same.reason)")
        #expect(same.rougeL ?? 0 > 0.5)
        let other = text.compare(
            expected: "Your order 1234 has shipped and will arrive on Friday.",
            actual: "I cannot help with refunds, please contact support.")
        #expect(!other.match)
        #expect(other.reason.contains("different text"))
    }

    @Test func comparatorIsChosenFromTheRecordedAnswer() {
        #expect(responses.kind(for: CanonicalResponse(toolCalls: [ToolCall(name: "f")])) == .toolCalls)
        #expect(responses.kind(for: CanonicalResponse(content: #"{"label": "spam"}"#)) == .json)
        #expect(responses.kind(for: CanonicalResponse(content: "positive")) == .exact)
        #expect(responses.kind(for: CanonicalResponse(content: "The meeting is moved to Monday at ten.")) == .text)
    }

    @Test func exactAnswersIgnoreCaseAndSpacesOnly() {
        #expect(responses.compare(expected: CanonicalResponse(content: "Positive"), actual: CanonicalResponse(content: " positive\n")).match)
        let wrong = responses.compare(expected: CanonicalResponse(content: "positive"), actual: CanonicalResponse(content: "negative"))
        #expect(!wrong.match)
        #expect(wrong.kind == .exact)
    }

    @Test func unexpectedToolCallsFailATextAnswer() {
        let result = responses.compare(
            expected: CanonicalResponse(content: "done"), actual: CanonicalResponse(content: "done", toolCalls: [ToolCall(name: "rm")]))
        #expect(!result.match)
        #expect(result.reason.contains("unexpected tool calls"))
    }
}
