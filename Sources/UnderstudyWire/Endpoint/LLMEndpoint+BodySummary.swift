import UnderstudyArchive

extension LLMEndpoint {
    /// What `refine(withBody:)` reads from a request body, its top-level `model` and `stream`
    /// members, taken in one validating pass that builds nothing else of the document. `nil`
    /// exactly when the bytes are not one JSON value (when `JSONValue(parsing:)` would fail);
    /// `.null` for valid JSON that is not an object.
    ///
    /// The recorder runs this for every request: parsing whole request bodies (conversations,
    /// tool schemas) into a `JSONValue` only to read two members was a measurable share of its CPU.
    ///
    /// ```swift
    /// LLMEndpoint.bodySummary(Array(#"{"messages":[…],"model":"gpt-4o","stream":true}"#.utf8))
    /// // {"model":"gpt-4o","stream":true}
    /// ```
    public static func bodySummary(_ bytes: [UInt8]) -> JSONValue? {
        bytes.withUnsafeBufferPointer { buffer -> JSONValue? in
            var cursor = JSONCursor(buffer)
            var members: [JSONMember] = []
            do {
                if cursor.peek() == UInt8(ascii: "{") {
                    try cursor.forEachMember { (c, key) throws(JSONParseError) in
                        if key == "model" || key == "stream" {
                            members.append(JSONMember(key, try c.parseValue(depth: 1)))
                        } else {
                            _ = try c.skipValue(depth: 1)
                        }
                    }
                } else {
                    _ = try cursor.skipValue()
                    cursor.skipWhitespace()
                    return cursor.isAtEnd ? .null : nil
                }
            } catch {
                return nil
            }
            cursor.skipWhitespace()
            return cursor.isAtEnd ? .object(members) : nil
        }
    }
}
