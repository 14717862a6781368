import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

/// Prompt feature `single_calls` (distill/trainer/single_calls.py): the trainer's golden file holds
/// answers before and after the cut; Swift must agree, and a specialist listing the feature must
/// read its tools.
struct SingleCallsTests {
    @Test func goldenCasesCutLikeTheTrainer() throws {
        let url = TestEnvironment.repositoryRoot.appendingPathComponent(
            "distill/trainer/tests/golden/single_calls.jsonl")
        let golden = try GoldenCases.read(url)
        #expect(golden.count >= 3)
        for item in golden {
            let name = item["name"]?.jsonText ?? "?"
            guard let response = item["response"], let cut = item["cut"] else {
                throw ReferenceError("\(name): incomplete golden case")
            }
            let single = SingleCalls(tools: Set(RememberedKeysTests.strings(item["tools"])))
            #expect(single.cut(RememberedKeysTests.response(response)) == RememberedKeysTests.response(cut), "\(name)")
        }
    }

    /// The tiny specialist never repeats a tool (so an answer cannot show the cut); it must read
    /// the listed tools, and refuse the feature without them.
    @Test func aSpecialistReadsTheListedTools() throws {
        let tools = ["book_table", "cancel_booking"]
        let directory = try RememberedKeysTests.copy("specialist-single-calls", feature: "single_calls", value: ["tools": tools])
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try Specialist(directory: directory).singleCalls?.tools == Set(tools))
    }

    @Test func aFeatureWithoutItsToolsIsRefusedNamingTheField() throws {
        let directory = try RememberedKeysTests.copy("specialist-single-calls-broken", feature: "single_calls", value: [:])
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect {
            _ = try Specialist(directory: directory)
        } throws: { error in
            "\(error)".contains("single_calls") && "\(error)".contains("specialist.json")
        }
    }
}
