import Testing
import UnderstudyArchive
import UnderstudyRecorder

struct HeaderRedactorTests {
    let redactor = HeaderRedactor(key: RedactionKey(bytes: Array(repeating: 7, count: 32)), additionalHeaders: ["X-Team-Token"])

    @Test func credentialHeadersAreReplacedByFingerprints() {
        let fields = [
            HTTPHeaderField("Authorization", "Bearer sk-live-abc"), HTTPHeaderField("x-api-key", "sk-ant-1"),
            HTTPHeaderField("api-key", "azure-1"), HTTPHeaderField("Cookie", "session=1"),
            HTTPHeaderField("Set-Cookie", "session=2"), HTTPHeaderField("Proxy-Authorization", "Basic xyz"),
            HTTPHeaderField("x-team-token", "team-secret"), HTTPHeaderField("content-type", "application/json"),
        ]
        let redacted = redactor.redact(fields)
        #expect(redacted.map(\.name) == fields.map(\.name))
        for (before, after) in zip(fields.dropLast(), redacted.dropLast()) {
            #expect(after.value.hasPrefix("redacted:"))
            #expect(after.value.count == "redacted:".count + 16)
            #expect(!after.value.contains(before.value))
        }
        #expect(redacted.last?.value == "application/json")
    }

    @Test func secretHeaderNamesAreFoundInAnyCaseAndOnlyThey() {
        let long = String(repeating: "x-long-credential-", count: 5)
        let redactor = HeaderRedactor(key: RedactionKey(bytes: Array(repeating: 7, count: 32)), additionalHeaders: [long])
        // Same lengths as secret names, one byte off, Unicode that lowercases to a secret name
        // (Kelvin sign K → k), and names past the 64-byte length table.
        #expect(redactor.isSecret(headerNamed: "AUTHORIZATION") && redactor.isSecret(headerNamed: "X-Goog-Api-Key"))
        #expect(redactor.isSecret(headerNamed: "x-api-\u{212A}ey"))
        #expect(redactor.isSecret(headerNamed: long.uppercased()))
        for name in ["Accept", "User-Agent", "Content-Length", "authorizatioN ", "cookiE2", "x-api-kez", "", long + "x"] {
            #expect(!redactor.isSecret(headerNamed: name), "\(name)")
        }
        // Many names near the secret ones: the answer is that of the lowercase set lookup.
        var state: UInt64 = 0x7E57
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        let pieces = Array(redactor.headers) + ["accept", "content-type", "k", "\u{212A}", "é", "-", "A", "z"]
        var secrets = 0
        for _ in 0..<5000 {
            var name = pieces[next(pieces.count)]
            if next(3) == 0 { name += pieces[next(pieces.count)] }
            name = String(name.map { next(2) == 0 ? Character($0.uppercased()) : $0 })
            if next(5) == 0, !name.isEmpty { name.removeLast() }
            let expected = redactor.headers.contains(name.lowercased())
            if expected { secrets += 1 }
            #expect(redactor.isSecret(headerNamed: name) == expected, "\(name)")
        }
        #expect(secrets > 500)
    }

    @Test func differentSecretsStayDistinguishableAndEqualOnesMatch() {
        #expect(redactor.fingerprint("sk-a") != redactor.fingerprint("sk-b"))
        #expect(redactor.fingerprint("sk-a") == redactor.fingerprint("sk-a"))
        let otherKey = HeaderRedactor(key: RedactionKey(bytes: Array(repeating: 8, count: 32)))
        #expect(otherKey.fingerprint("sk-a") != redactor.fingerprint("sk-a"))
    }

    @Test func apiKeysInTheQueryAreRedacted() {
        let target = redactor.redactTarget("/v1beta/models/gemini:generateContent?alt=sse&key=AIzaSECRET")
        #expect(target.hasPrefix("/v1beta/models/gemini:generateContent?alt=sse&key=redacted:"))
        #expect(!target.contains("AIzaSECRET"))
        #expect(redactor.redactTarget("/v1/chat/completions?api-version=1") == "/v1/chat/completions?api-version=1")
    }

    @Test func keyFileIsCreatedPrivateAndReused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("redaction-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("understudy/redaction.key")
        let first = try RedactionKey.loadOrCreate(at: url)
        let second = try RedactionKey.loadOrCreate(at: url)
        #expect(first.bytes == second.bytes)
        #expect(first.bytes.count == 32)
        let mode = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func shortOrMalformedKeysAreRefused() {
        #expect(throws: RecorderError.self) { try RedactionKey(hex: "abcd") }
        #expect(throws: RecorderError.self) { try RedactionKey(hex: String(repeating: "zz", count: 20)) }
    }
}

import Foundation
