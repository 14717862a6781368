/// A failure of the router's setup (run directory, policies, thresholds) with a message that
/// says what and where. Per-request failures never surface as errors: they fall back upstream.
public struct RouterError: Error, Sendable, CustomStringConvertible, Equatable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
