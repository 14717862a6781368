/// A failure of the recorder or the mock upstream: what failed and where, safe to log (it never
/// carries header values or bodies).
public struct RecorderError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
