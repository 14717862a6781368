/// Random identifiers in the providers' styles (`chatcmpl-…`, `call_…`, `toolu_01…`, `resp_…`).
enum WireID {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    private static let hex = Array("0123456789abcdef")

    static func make(_ prefix: String, length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return prefix + String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }

    static func makeHex(_ prefix: String, length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return prefix + String((0..<length).map { _ in hex.randomElement(using: &generator)! })
    }
}
