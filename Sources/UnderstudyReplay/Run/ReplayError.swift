/// A replay or report that cannot go on: a missing or unreadable run file, a bad option. Says
/// what failed and where.
public struct ReplayError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
