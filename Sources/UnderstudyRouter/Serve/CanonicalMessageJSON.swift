import UnderstudyArchive
import UnderstudyWire

/// Reads dataset messages (docs/formats.md `Message`) back into `CanonicalMessage`s.
enum CanonicalMessageJSON {
    static func message(_ json: JSONValue) -> CanonicalMessage? {
        CanonicalMessage(json: json)
    }
}
