/// A `String?` stored as a string and a flag, for the fields of the parsed heads (`HTTP1Head`,
/// `ClientRequestHead`). With `String?` fields among their many, the compiler (Swift 6.3, `-O`)
/// built each head twice when initialising it and copied one into the result (a retain and a
/// release per string and array in it, on every request and response head); with no optional
/// payload among the stored fields it builds the head once (MEASUREMENTS.md, thirteenth
/// session, engineer "loop3").
struct StoredOptionalString: Sendable, Equatable {
    private var text: String
    private var isPresent: Bool

    init(_ value: String?) {
        text = value ?? ""
        isPresent = value != nil
    }

    var value: String? { isPresent ? text : nil }

    /// Whether the value is `other`, compared where it lies (`value` hands out a copy: a retain
    /// and a release).
    func holds(_ other: String?) -> Bool {
        guard let other else { return !isPresent }
        return isPresent && text == other
    }
}
