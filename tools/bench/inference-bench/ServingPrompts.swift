import Foundation
import UnderstudyInference

/// `inference-bench prompts SPECIALIST_DIR SPLIT.jsonl [LIMIT]`: the token ids of each request's
/// prompt as serving renders it (`Specialist.servingPrompt`: the specialist's prompt format and
/// listed prompt features, `max_prompt_tokens`), with each prompt's slot count, so
/// tools/bench/specialist times both engines on the prompts the specialist was trained on and
/// serves. Except with `clause_calls`: serving decodes a request-tools question of 2+ clauses as
/// one prompt per clause (`ClauseCalls.prompts`), and this writes the whole-request prompt.
enum ServingPrompts {
    static func run(directory: URL, split: URL, limit: Int) throws -> [String: Any] {
        let specialist = try Specialist(directory: directory)
        var prompts: [[Int32]] = []
        var slots: [Int] = []
        for request in try SplitRequest.read(split, limit: limit).compactMap({ $0 }) {
            let served = try specialist.servingPrompt(request.messages, tools: request.tools)
            prompts.append(specialist.promptIDs(served.prompt, listed: served.listed != nil))
            slots.append(served.prompt.slots.slots.count)
        }
        return ["prompts": prompts, "slots": slots, "prompt_features": specialist.promptFeatures]
    }
}
