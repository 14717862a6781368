import Foundation
import Testing
import UnderstudyInference
import UnderstudyTestSupport

struct SpecialistTests {
    static let tiny = TestEnvironment.repositoryRoot.appendingPathComponent(
        "distill/trainer/tests/golden/tiny-specialist")

    @Test func answersAreValidCallsOfTheClusterToolsWithConfidence() throws {
        let specialist = try Specialist(directory: Self.tiny)
        #expect(specialist.tools.keys.sorted() == ["book_table", "cancel_booking", "rate_visit"])
        let requests = [
            "Drop booking BK-2231.", "Book Luigi's for 4 people at 19:30 on 2026-05-01", "Rate visit V77 with 5 stars",
        ]
        var finished = 0
        for request in requests {
            let answer = try specialist.answer([.init(role: "user", content: request)])
            // A barely trained model: the constraint alone must make the answer well formed.
            if answer.finishReason == .stop {
                finished += 1
                let response = try #require(answer.response, "\(answer.text): \(answer.failure ?? "")")
                for call in response.toolCalls { #expect(specialist.tools[call.name] != nil) }
            }
            #expect(answer.minLogProbability <= answer.meanLogProbability && answer.meanLogProbability <= 0)
            #expect(answer.tokens > 0)
        }
        #expect(finished > 0, "no answer reached <|end|> within max_new_tokens")
    }

    /// specialist.json as the trainer writes it records what trained the model (`recipe_settings`:
    /// the recipe file's numbers written as Python writes them, nested objects; `recipe_overrides`);
    /// the specialist still loads and answers.
    @Test func aSpecialistRecordingItsRecipeSettingsLoads() throws {
        let directory = try Self.copy("specialist-recipe-settings", [:])
        defer { try? FileManager.default.removeItem(at: directory) }
        let specURL = directory.appendingPathComponent("specialist.json")
        let recipe = try String(
            contentsOf: TestEnvironment.repositoryRoot.appendingPathComponent("distill/recipes/scratch.json"),
            encoding: .utf8)
        var text = try String(contentsOf: specURL, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(text.hasSuffix("}"))
        text.removeLast()
        text += #","recipe_settings":\#(recipe),"recipe_overrides":{"learning_rate":{"used":0.002,"recipe":0.004},"#
            + #""pointer_head":{"used":"slots","recipe":false},"mixed_precision":{"used":"bf16"}}}"#
        try Data(text.utf8).write(to: specURL)
        let specialist = try Specialist(directory: directory)
        let answer = try specialist.answer([.init(role: "user", content: "Drop booking BK-2231.")])
        #expect(answer.tokens > 0)
    }

    /// The tiny specialist copied with `request_tools` switched on and `prompt_format` set.
    static func requestToolsCopy(_ name: String, promptFormat: Int) throws -> URL {
        try copy(name, ["request_tools": true, "prompt_format": promptFormat])
    }

    /// The tiny specialist copied with fields of specialist.json replaced.
    static func copy(_ name: String, _ changes: [String: Any]) throws -> URL {
        let directory = try TestEnvironment.temporaryDirectory(name)
        for file in try FileManager.default.contentsOfDirectory(atPath: Self.tiny.path) {
            try FileManager.default.copyItem(
                at: Self.tiny.appendingPathComponent(file), to: directory.appendingPathComponent(file))
        }
        let specURL = directory.appendingPathComponent("specialist.json")
        var spec = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: specURL)) as? [String: Any])
        spec.merge(changes) { _, new in new }
        try JSONSerialization.data(withJSONObject: spec).write(to: specURL)
        return directory
    }

    /// A v3 specialist of a cluster whose requests bring their own tools answers only with the
    /// request's tools and their parameters, named back from their slots (the tiny model with
    /// request_tools switched on).
    @Test func requestToolsConstrainAndNameTheAnswer() throws {
        let directory = try Self.requestToolsCopy("specialist-request-tools", promptFormat: 3)
        defer { try? FileManager.default.removeItem(at: directory) }
        let specialist = try Specialist(directory: directory)
        #expect(specialist.requestTools)
        let parameters = try OrderedJSON.parse(
            #"{"type":"object","properties":{"visit":{"type":"string"},"stars":{"type":"integer"}},"required":["visit"]}"#)
        var finished = 0
        for request in ["Rate visit V77 with 5 stars", "Give V12 three stars", "Book Luigi's for 4"] {
            let answer = try specialist.answer(
                [.init(role: "user", content: request)], tools: [("score_visit", parameters)])
            #expect(answer.text.contains("\"book_table\"") == false, "\(answer.text)")
            guard answer.finishReason == .stop else { continue }
            finished += 1
            let response = try #require(answer.response, "\(answer.text): \(answer.failure ?? "")")
            for call in response.toolCalls {
                #expect(call.name == "score_visit", "\(answer.text)")
                if case .object(let members) = call.arguments {
                    #expect(members.allSatisfy { ["visit", "stars"].contains($0.key) }, "\(answer.text)")
                }
            }
        }
        #expect(finished > 0, "no answer reached <|end|> within max_new_tokens")
    }

    /// v2 listed request tools without parameter-name slots: such a specialist would read v3
    /// prompts wrongly, so it is refused with the field named.
    @Test func requestToolsSpecialistOfPromptFormatTwoIsRefused() throws {
        let directory = try Self.requestToolsCopy("specialist-request-tools-v2", promptFormat: 2)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect {
            _ = try Specialist(directory: directory)
        } throws: { error in
            String(describing: error).contains("prompt_format") && String(describing: error).contains("retrain")
        }
    }

    @Test func wrongPromptFormatVersionIsNamed() throws {
        let directory = try TestEnvironment.temporaryDirectory("specialist")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(#"{"format":1,"prompt_format":5}"#.utf8).write(to: directory.appendingPathComponent("specialist.json"))
        #expect {
            _ = try Specialist(directory: directory)
        } throws: { error in
            String(describing: error).contains("prompt_format") && String(describing: error).contains("specialist.json")
        }
    }
}
