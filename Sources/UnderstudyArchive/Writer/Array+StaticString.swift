extension [UInt8] {
    /// Appends a literal's UTF-8 bytes with one copy from static memory. `out += "…".utf8` went
    /// through the generic `String.UTF8View` path (a String built per literal, its bytes copied
    /// out): about a tenth of the archive thread, which writes a dozen literals per record.
    @inline(__always)
    mutating func append(literal text: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}
