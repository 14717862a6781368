/// Why a byte sequence is not JSON, and where: `offset` counts bytes from the start of the input.
public struct JSONParseError: Error, CustomStringConvertible, Sendable, Equatable {
    public var offset: Int
    public var reason: String
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}
