/// Random identifiers in the providers' styles (`chatcmpl-…`, `call_…`, `toolu_01…`, `resp_…`).
enum WireID {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    private static let hex = Array("0123456789abcdef")

    static func make(_ prefix: String, length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return prefix + String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// OpenAI's stream `obfuscation` value: random letters and digits of random length, so the
    /// sizes of a stream's events do not tell its tokens apart. (The distribution OpenAI draws the
    /// length from is not published; 1–16 covers the values seen in its streams.)
    static func padding() -> String {
        var generator = SystemRandomNumberGenerator()
        return make("", length: Int.random(in: 1...16, using: &generator))
    }

    static func makeHex(_ prefix: String, length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return prefix + String((0..<length).map { _ in hex.randomElement(using: &generator)! })
    }
}
