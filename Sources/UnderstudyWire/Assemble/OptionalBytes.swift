/// Streamed text members accumulate as UTF-8 bytes: absent (nil) until their first delta, then
/// appended to in place (`ChatCompletionsAssembler`, `AnthropicAssembler`; `ChatChunkReader.Text`
/// appends its byte ranges the same way).
extension Optional where Wrapped == [UInt8] {
    /// Appends `bytes`, starting the array when there is none yet.
    mutating func appendStarting(_ bytes: some Sequence<UInt8>) {
        if self == nil { self = [] }
        self!.append(contentsOf: bytes)
    }
}
