import Foundation
import UnderstudyArchive
import UnderstudyInference
import UnderstudyWire

/// Loads a run's specialists for in-process replay and serving: UnderstudyInference's
/// `Specialist` (prompt format v1/v2, the Llama decoder, constrained decoding, value slots) behind
/// the `SpecialistAnswerer` protocol. A specialist that cannot be loaded answers every request
/// with a miss that says why, so replay goes on and the report shows the reason.
public enum InProcessSpecialists {
    public static func answerer(cluster: String, directory: URL) -> any SpecialistAnswerer {
        let specialist: Specialist
        do {
            specialist = try Specialist(directory: directory)
        } catch {
            return UnavailableAnswerer(
                target: "in-process", reason: "the specialist of \(cluster) cannot be loaded: \(error)")
        }
        return InProcessAnswerer(name: "in-process \(cluster)") { request in
            let answer = try specialist.answer(
                request.messages.map(message), tools: request.tools.map(tool),
                toolDescriptions: request.tools.map { $0["description"]?.stringValue })
            guard let response = answer.response else {
                throw ReplayAnswerError(.specialist, answer.failure ?? "the specialist produced no answer")
            }
            // Confidence is exp(minimum token log-probability); the mean is reported separately.
            return .init(
                response: canonical(response), logProbabilities: [Double(answer.minLogProbability)],
                completionTokens: answer.tokens)
        }
    }

    /// A canonical message (docs/formats.md) in the prompt renderer's form (through JSON text,
    /// which keeps member order and number text).
    static func message(_ json: JSONValue) -> PromptRenderer.Message {
        PromptRenderer.Message(json: (try? OrderedJSON.parse(json.serialized())) ?? .object([]))
    }

    /// A request tool (ToolSpec) as the prompt renderer lists it (prompt format v2).
    static func tool(_ json: JSONValue) -> PromptRenderer.Tool {
        (json["name"]?.stringValue ?? "", json["parameters"].flatMap { try? OrderedJSON.parse($0.serialized()) })
    }

    static func canonical(_ response: AnswerRestorer.Response) -> CanonicalResponse {
        CanonicalResponse(
            content: response.content,
            toolCalls: response.toolCalls.map { call in
                ToolCall(name: call.name, arguments: (try? JSONValue(parsing: call.arguments.jsonText)) ?? .object([]))
            })
    }
}
