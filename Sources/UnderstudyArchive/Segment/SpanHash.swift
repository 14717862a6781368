/// A 128-bit hash of a byte span (two independent 64-bit multiply–rotate lanes plus the length),
/// used to find values a segment already holds. 128 bits make an accidental match between
/// different spans vanishingly unlikely without keeping the spans themselves in memory.
struct SpanHash: Hashable {
    var a: UInt64
    var b: UInt64
    var count: Int

    init(_ bytes: UnsafeRawBufferPointer) {
        var a: UInt64 = 0x9E37_79B9_7F4A_7C15
        var b: UInt64 = 0xC2B2_AE3D_27D4_EB4F
        let n = bytes.count
        var i = 0
        while i + 8 <= n {
            let w = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            a = ((a ^ w) &* 0x87C3_7B91_1142_53D5).rotatedLeft(31)
            b = ((b ^ w.rotatedLeft(17)) &* 0x4CF5_AD43_2745_937F).rotatedLeft(29)
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        a = ((a ^ tail) &* 0x87C3_7B91_1142_53D5).rotatedLeft(31)
        b = ((b ^ tail) &* 0x4CF5_AD43_2745_937F).rotatedLeft(29)
        a ^= a >> 33
        a = a &* 0xFF51_AFD7_ED55_8CCD
        a ^= a >> 33
        b ^= b >> 29
        b = b &* 0xC4CE_B9FE_1A85_EC53
        b ^= b >> 32
        self.a = a
        self.b = b
        count = n
    }
}

extension UInt64 {
    @inline(__always) func rotatedLeft(_ n: UInt64) -> UInt64 { (self << n) | (self >> (64 - n)) }
}
