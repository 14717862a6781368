import UnderstudyWire

/// Finds secrets: API keys by their well-known prefixes, JWTs, PEM private keys, URLs that carry
/// credentials or tokens, and high-entropy tokens next to key-like words ("api_key=…",
/// "Bearer …") or in JSON members named like secrets ("password", "token").
struct SecretDetector {
    /// Known key prefixes and the shortest body (after the prefix) that counts: the recorder's table.
    static let prefixes = KnownKeyScanner.prefixes

    /// Whether some key prefix starts with this byte: most tokens are rejected by one load.
    static let prefixFirstBytes: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for (prefix, _) in prefixes { table[Int(prefix[0])] = true }
        return table
    }()
    static let jwtStart = Array("eyJ".utf8)
    static let pemDashes = Array("-----".utf8)
    static let pemPrivate = Array("PRIVATE".utf8)

    static let keyWords = WordList([
        "key", "token", "secret", "password", "passwd", "pwd", "bearer", "authorization", "credential",
        "auth", "apikey", "private", "signature", "session", "cookie",
    ])
    /// JSON member names whose whole string value is a secret ("password": "hunter2").
    static let secretFieldSuffixes = StructuredDetector.words([
        "password", "passwd", "secret", "token", "api_key", "apikey", "access_key", "private_key", "authorization",
        "credentials", "credential", "passphrase",
    ])

    /// Whether the member name ends with one of `secretFieldSuffixes` ('-' read as '_'). It runs
    /// for every string value of a JSON document, so it compares in place.
    static func isSecretField(_ field: [UInt8]) -> Bool {
        secretFieldSuffixes.contains { suffix in
            guard field.count >= suffix.count else { return false }
            let start = field.count - suffix.count
            for k in 0..<suffix.count where (field[start + k] == 0x2D ? 0x5F : field[start + k]) != suffix[k] {
                return false
            }
            return true
        }
    }

    static let urlTokenParameters: Set<String> = [
        "token", "access_token", "refresh_token", "id_token", "api_key", "apikey", "key", "secret", "client_secret",
        "password", "pwd", "pass", "sig", "signature", "x-amz-signature", "x-amz-credential", "x-amz-security-token",
        "auth", "session", "sessionid", "code", "jwt",
    ]
    static let pemBegin = Array("-----BEGIN ".utf8)
    static let pemEnd = Array("-----END ".utf8)

    /// The minimum Shannon entropy (bits per character) of a token next to a key word.
    var entropyThreshold: Double = 3.0

    func detect(_ b: UnsafeBufferPointer<UInt8>, field: [UInt8]?, into out: inout [DetectedEntity]) {
        if let field, Self.isSecretField(field), b.count >= 4, b.count <= 4096, !b.contains(0x20),
            b[0] != 0x24, b[0] != 0x3C, b[0] != 0x2A
        {
            // The whole value of a member named like a secret, unless it is a variable or a mask.
            out.append(DetectedEntity(type: .secret, range: 0..<b.count, confidence: 0.9))
            return
        }
        Self.tokenBytes.withUnsafeBufferPointer { table in scan(b, table, into: &out) }
    }

    /// Byte classes for the token scan, one table load per byte.
    private static let token: UInt8 = 1, alnum: UInt8 = 2, inner: UInt8 = 4
    private static let tokenBytes: [UInt8] = (0..<256).map { v in
        let b = UInt8(v)
        var bits: UInt8 = 0
        if ByteClass.isTokenByte(b) { bits |= token }
        if ByteClass.isAlnum(b) { bits |= alnum }
        if b == 0x2E || b == 0x2F || b == 0x2B { bits |= inner }
        return bits
    }

    private func scan(
        _ b: UnsafeBufferPointer<UInt8>, _ table: UnsafeBufferPointer<UInt8>, into out: inout [DetectedEntity]
    ) {
        let n = b.count
        var i = 0
        while i < n {
            let c = b[i]
            if c == 0x2D && ByteClass.hasPrefix(b, at: i, Self.pemBegin), let end = pemBlock(b, from: i) {
                out.append(DetectedEntity(type: .secret, range: i..<end))
                i = end
                continue
            }
            guard table[Int(c)] & Self.alnum != 0, i == 0 || table[Int(b[i - 1])] & Self.token == 0 else {
                i += 1
                continue
            }
            // A token: [A-Za-z0-9_-] plus '.', '/', '+', '=' inside (JWTs, base64).
            var j = i
            while j < n {
                let x = b[j]
                let cx = table[Int(x)]
                if cx & Self.token != 0 {
                    j += 1
                } else if cx & Self.inner != 0 && j + 1 < n && table[Int(b[j + 1])] & Self.token != 0 {
                    j += 1
                } else if x == 0x3D && (j + 1 == n || table[Int(b[j + 1])] & Self.token == 0) {
                    // Base64 padding ends a token; "NAME=value" is two tokens.
                    while j < n && b[j] == 0x3D { j += 1 }
                    break
                } else {
                    break
                }
            }
            while j > i && (b[j - 1] == 0x2E || b[j - 1] == 0x2F) { j -= 1 }
            if j - i >= 12, let entity = classifyToken(b, i..<j) {
                out.append(entity)
            } else if j - i >= 3, j + 2 < n, b[j] == 0x3A, b[j + 1] == 0x2F, b[j + 2] == 0x2F,
                let url = credentialURL(b, schemeStart: i)
            {
                out.append(url)
                i = url.range.upperBound
                continue
            }
            i = max(j, i + 1)
        }
    }

    private func classifyToken(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> DetectedEntity? {
        let start = range.lowerBound
        // The first-byte table before the prefix list: walking the list costs a retain and a
        // release per prefix, and most tokens start with no prefix's first byte.
        if Self.prefixFirstBytes[Int(b[start])] {
            for (prefix, minBody) in Self.prefixes where ByteClass.hasPrefix(b, at: start, prefix) {
                var end = start + prefix.count
                while end < range.upperBound && (ByteClass.isTokenByte(b[end]) || b[end] == 0x2E) { end += 1 }
                if end - start - prefix.count >= minBody { return DetectedEntity(type: .secret, range: start..<end) }
            }
        }
        if ByteClass.hasPrefix(b, at: start, Self.jwtStart) {
            let parts = b[range].split(separator: 0x2E, omittingEmptySubsequences: false)
            if parts.count == 3 && parts[0].count >= 10 && parts[1].count >= 10 && parts[2].count >= 8 {
                return DetectedEntity(type: .secret, range: range)
            }
        }
        guard range.count >= 16, !Self.isUUID(b[range]) else { return nil }
        guard Self.keyWords.occurs(in: b, before: start, window: 40) else { return nil }
        return Self.looksRandom(b[range], threshold: entropyThreshold)
            ? DetectedEntity(type: .secret, range: range, confidence: 0.8) : nil
    }

    /// 8-4-4-4-12 hex digits: an identifier, not a secret.
    static func isUUID(_ token: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard token.count == 36 else { return false }
        for (i, c) in token.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                if c != 0x2D { return false }
            } else if !ByteClass.isHex(c) {
                return false
            }
        }
        return true
    }

    /// High Shannon entropy and a mix of character classes: random, not a word or an identifier.
    static func looksRandom(_ token: Slice<UnsafeBufferPointer<UInt8>>, threshold: Double) -> Bool {
        var digits = 0
        var letters = 0
        var upper = 0
        for c in token {
            if ByteClass.isDigit(c) { digits += 1 } else if ByteClass.isAlpha(c) { letters += 1 }
            if ByteClass.isUpper(c) { upper += 1 }
        }
        guard letters > 0, digits > 0 || (upper > 0 && upper < letters) else { return false }
        // Byte counts on the stack: this runs for every long token near a key word.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { counts in
            counts.initialize(repeating: 0)
            for c in token { counts[Int(c)] += 1 }
            let total = Double(token.count)
            var entropy = 0.0
            for count in counts where count > 0 {
                let p = Double(count) / total
                entropy -= p * log2(p)
            }
            return entropy >= threshold
        }
    }

    private func pemBlock(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var i = start + Self.pemBegin.count
        let headerEnd = min(b.count, i + 64)
        var isPrivate = false
        while i + 5 <= headerEnd && !ByteClass.hasPrefix(b, at: i, Self.pemDashes) {
            if ByteClass.hasPrefix(b, at: i, Self.pemPrivate) { isPrivate = true }
            i += 1
        }
        guard isPrivate else { return nil }
        while i < b.count {
            if b[i] == 0x2D && ByteClass.hasPrefix(b, at: i, Self.pemEnd) {
                var j = i + Self.pemEnd.count
                while j < b.count && b[j] != 0x2D { j += 1 }
                while j < b.count && b[j] == 0x2D { j += 1 }
                return j
            }
            i += 1
        }
        // No END line (truncated): everything to the end of the text is key material.
        return b.count
    }

    /// A URL with `user:password@` or a token-named query parameter, as one entity.
    private func credentialURL(_ b: UnsafeBufferPointer<UInt8>, schemeStart: Int) -> DetectedEntity? {
        var end = schemeStart
        while end < b.count, b[end] > 0x20, b[end] != 0x22, b[end] != 0x3C, b[end] != 0x3E, b[end] != 0x60,
            b[end] != 0x27
        { end += 1 }
        while end > schemeStart, [0x2E, 0x2C, 0x3B, 0x3A, 0x29, 0x21, 0x3F, 0x5D].contains(b[end - 1]) { end -= 1 }
        let url = b[schemeStart..<end]
        guard let schemeEnd = url.firstIndex(of: 0x3A) else { return nil }
        let authorityStart = schemeEnd + 3
        let authorityEnd = url[authorityStart...].firstIndex { $0 == 0x2F || $0 == 0x3F || $0 == 0x23 } ?? end
        if url[authorityStart..<authorityEnd].contains(0x40) {
            return DetectedEntity(type: .credentialURL, range: schemeStart..<end)
        }
        guard let query = url[authorityEnd...].firstIndex(of: 0x3F) else { return nil }
        for pair in url[(query + 1)...].split(whereSeparator: { $0 == 0x26 || $0 == 0x23 }) {
            guard let eq = pair.firstIndex(of: 0x3D), eq + 1 < pair.endIndex else { continue }
            let name = String(decoding: pair[pair.startIndex..<eq].map(ByteClass.lower), as: UTF8.self)
            if Self.urlTokenParameters.contains(name) {
                return DetectedEntity(type: .credentialURL, range: schemeStart..<end)
            }
        }
        return nil
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
