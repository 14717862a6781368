/// A failure of a distillation stage, saying what failed and where (path, segment, offset).
public struct DistillError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
