import UnderstudyArchive

extension SSEParser {
    /// Whether a header list's `content-type` names an event stream (`text/event-stream`, in any
    /// case, with any parameters). Compares ASCII bytes: it runs for every recorded exchange, and a
    /// lowercased copy of the value showed in profiles.
    public static func isEventStream(_ headers: [HTTPHeaderField]) -> Bool {
        guard let type = headers.first(named: "content-type") else { return false }
        let wanted = "text/event-stream".utf8
        guard type.utf8.count >= wanted.count else { return false }
        return zip(type.utf8, wanted).allSatisfy { ($0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0) == $1 }
    }
}
