/// What a report says besides the numbers: when, against what, and drift when replaying newer
/// captures.
public struct ReportContext: Sendable {
    /// RFC 3339 time the report was made.
    public var generated: String
    /// The specialists' target ("in-process", an endpoint URL).
    public var target: String
    public var drift: Drift?
    /// Lines shown under the title (warnings: no corpus, hashing embedder, …).
    public var notes: [String]

    public init(generated: String, target: String, drift: Drift? = nil, notes: [String] = []) {
        self.generated = generated
        self.target = target
        self.drift = drift
        self.notes = notes
    }
}
