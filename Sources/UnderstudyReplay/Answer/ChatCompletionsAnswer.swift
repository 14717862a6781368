import UnderstudyArchive
import UnderstudyWire

/// Reads an OpenAI Chat Completions response body into a canonical answer and its token
/// log-probabilities. Anything else is `ReplayAnswerError.garbage` saying what was wrong.
enum ChatCompletionsAnswer {
    struct Parsed {
        var response: CanonicalResponse
        var logProbabilities: [Double]
        var promptTokens: Int?
        var completionTokens: Int?
    }

    static func parse(_ bytes: [UInt8]) throws(ReplayAnswerError) -> Parsed {
        let body: JSONValue
        do {
            body = try JSONValue(parsing: bytes)
        } catch {
            let text = String(decoding: bytes.prefix(80), as: UTF8.self)
            throw ReplayAnswerError(.garbage, "the body is not JSON (\(error.reason) at byte \(error.offset)): \(text.debugDescription)")
        }
        guard let choice = body["choices"]?[0], let message = choice["message"], case .object = message else {
            throw ReplayAnswerError(.garbage, "no choices[0].message in the response")
        }
        var calls: [ToolCall] = []
        for call in message["tool_calls"]?.arrayValue ?? [] {
            guard let function = call["function"], let name = function["name"]?.stringValue else {
                throw ReplayAnswerError(.garbage, "a tool call without function.name")
            }
            let arguments = function["arguments"] ?? .object([])
            guard let parsed = ToolCall(json: ["name": .string(name), "arguments": arguments]) else {
                throw ReplayAnswerError(.garbage, "tool call \(name) is malformed")
            }
            if case .string(let text) = parsed.arguments {
                throw ReplayAnswerError(.garbage, "tool call \(name): arguments are not JSON: \(text.prefix(60).debugDescription)")
            }
            calls.append(parsed)
        }
        let content = message["content"]?.stringValue
        let logProbabilities = (choice["logprobs"]?["content"]?.arrayValue ?? []).compactMap { $0["logprob"]?.doubleValue }
        return Parsed(
            response: CanonicalResponse(content: content, toolCalls: calls), logProbabilities: logProbabilities,
            promptTokens: body["usage"]?["prompt_tokens"]?.intValue,
            completionTokens: body["usage"]?["completion_tokens"]?.intValue)
    }
}
