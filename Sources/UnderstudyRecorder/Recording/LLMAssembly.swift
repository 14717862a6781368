import UnderstudyArchive
import UnderstudyWire

/// Fills `llm.assembled` and `llm.usage` from a recorded response.
///
/// TODO(wire): replace with UnderstudyWire's `ExchangeInterpreter` once it lands; until then
/// this stays a thin placeholder that records the non-streamed body's usage only.
enum LLMAssembly {
    static func fill(_ info: inout Exchange.LLMInfo, response: Exchange.Response) {
        guard response.sse == nil, let json = response.body.json else { return }
        if let usage = json["usage"] {
            info.usage = Exchange.Usage(
                inputTokens: usage["input_tokens"]?.intValue ?? usage["prompt_tokens"]?.intValue,
                outputTokens: usage["output_tokens"]?.intValue ?? usage["completion_tokens"]?.intValue)
        }
    }
}
