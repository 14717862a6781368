import Crypto
import Foundation
import SwiftASN1
import Synchronization
import X509

/// Understudy's own certificate authority, used by the forward proxy to terminate TLS for
/// intercepted hosts with a leaf certificate minted on the fly.
///
/// Leaves are short-lived (``leafLifetime``), carry the host as a SAN (dNSName, or iPAddress for
/// a literal address), and are cached per host until they come close to expiring.
///
/// ```swift
/// let ca = try CertificateAuthority.load(from: CertificateAuthorityFiles(directory: dir))
/// let leaf = try ca.leaf(for: "api.openai.com")
/// ```
public final class CertificateAuthority: Sendable {
    /// The CA certificate (what clients must trust).
    public let certificate: Certificate
    private let privateKey: P256.Signing.PrivateKey
    private let cache = Mutex<[String: LeafCertificate]>([:])

    /// How long a minted leaf is valid.
    public static let leafLifetime: TimeInterval = 24 * 3600
    /// How long a new CA is valid.
    public static let caLifetime: TimeInterval = 10 * 365 * 24 * 3600

    public init(certificate: Certificate, privateKey: P256.Signing.PrivateKey) {
        self.certificate = certificate
        self.privateKey = privateKey
    }

    /// Creates a fresh self-signed CA (P-256, ECDSA with SHA-256).
    public static func create(commonName: String = "Understudy Interception CA", now: Date = Date()) throws
        -> CertificateAuthority
    {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("Understudy")
            CommonName(commonName)
        }
        let keyID = Self.keyIdentifier(key.publicKey)
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
            Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            SubjectKeyIdentifier(keyIdentifier: keyID)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(caLifetime),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
            issuerPrivateKey: Certificate.PrivateKey(key))
        return CertificateAuthority(certificate: certificate, privateKey: key)
    }

    /// Loads the CA from its files; the error names the file and says to run `understudy ca init`.
    public static func load(from files: CertificateAuthorityFiles) throws -> CertificateAuthority {
        guard let certText = try? String(contentsOf: files.certificate, encoding: .utf8) else {
            throw RecorderError("no CA certificate at \(files.certificate.path): run `understudy ca init` first")
        }
        guard let keyText = try? String(contentsOf: files.privateKey, encoding: .utf8) else {
            throw RecorderError("no CA private key at \(files.privateKey.path): run `understudy ca init` first")
        }
        let certificate: Certificate
        do { certificate = try Certificate(pemEncoded: certText) } catch {
            throw RecorderError("\(files.certificate.path) is not a PEM certificate: \(error)")
        }
        let key: P256.Signing.PrivateKey
        // The key's parse error is deliberately not echoed: it could quote key material.
        do { key = try P256.Signing.PrivateKey(pemRepresentation: keyText) } catch {
            throw RecorderError("\(files.privateKey.path) is not a P-256 private key in PEM form")
        }
        guard certificate.publicKey == Certificate.PublicKey(key.publicKey) else {
            throw RecorderError("\(files.privateKey.path) does not belong to the certificate \(files.certificate.path)")
        }
        return CertificateAuthority(certificate: certificate, privateKey: key)
    }

    /// Writes the certificate and key into `files` (key mode 0600, directory 0700).
    public func save(to files: CertificateAuthorityFiles) throws {
        try files.write(certificatePEM: try certificatePEM(), privateKeyPEM: privateKey.pemRepresentation)
    }

    /// The CA certificate in PEM form.
    public func certificatePEM() throws -> String {
        try certificate.serializeAsPEM().pemString + "\n"
    }

    /// SHA-256 of the certificate's DER encoding, as colon-separated upper-case hex.
    public func fingerprintSHA256() throws -> String {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return SHA256.hash(data: serializer.serializedBytes).map { String(format: "%02X", $0) }.joined(separator: ":")
    }

    /// The leaf for `host` (a DNS name or a literal IPv4/IPv6 address): from the cache while it has
    /// more than an hour left, otherwise freshly minted and cached.
    public func leaf(for host: String, now: Date = Date()) throws -> LeafCertificate {
        let key = host.lowercased()
        if let cached = cache.withLock({ $0[key] }), cached.certificate.notValidAfter > now.addingTimeInterval(3600) {
            return cached
        }
        let minted = try mintLeaf(for: key, now: now)
        cache.withLock { $0[key] = minted }
        return minted
    }

    /// Mints a new leaf certificate for `host` (and `alsoFor`, as further SANs), signed by this CA,
    /// without touching the cache.
    public func mintLeaf(for host: String, alsoFor: [String] = [], now: Date = Date()) throws -> LeafCertificate {
        let key = P256.Signing.PrivateKey()
        let sans = try ([host] + alsoFor).map { name -> GeneralName in
            guard !name.isEmpty, name.utf8.count <= 253 else { throw RecorderError("cannot mint a certificate for host '\(name)'") }
            if let address = IPAddressBytes.parse(name) { return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(address))) }
            return .dnsName(name)
        }
        let subject = try DistinguishedName { CommonName(host) }
        let issuerKeyID = try certificate.extensions.subjectKeyIdentifier?.keyIdentifier
            ?? Self.keyIdentifier(privateKey.publicKey)
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true))
            try ExtendedKeyUsage([.serverAuth])
            SubjectAlternativeNames(sans)
            SubjectKeyIdentifier(keyIdentifier: Self.keyIdentifier(key.publicKey))
            AuthorityKeyIdentifier(keyIdentifier: issuerKeyID)
        }
        let leaf = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: Certificate.PublicKey(key.publicKey),
            // Backdated a little so a client whose clock is slightly behind still accepts it.
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(Self.leafLifetime),
            issuer: certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions, issuerPrivateKey: Certificate.PrivateKey(privateKey))
        return LeafCertificate(host: host, certificate: leaf, privateKey: key, issuer: certificate)
    }

    /// RFC 5280 method 1: SHA-1 of the subject public key bytes.
    private static func keyIdentifier(_ key: P256.Signing.PublicKey) -> ArraySlice<UInt8> {
        ArraySlice(Insecure.SHA1.hash(data: key.x963Representation))
    }
}

/// A minted leaf certificate, its private key and the CA that signed it.
public struct LeafCertificate: Sendable {
    public let host: String
    public let certificate: Certificate
    public let privateKey: P256.Signing.PrivateKey
    public let issuer: Certificate

    /// When the leaf starts and stops being valid.
    public var validity: ClosedRange<Date> { certificate.notValidBefore...certificate.notValidAfter }

    /// The leaf followed by the CA certificate, in PEM form (what a TLS server presents).
    public func chainPEM() throws -> String {
        try certificate.serializeAsPEM().pemString + "\n" + issuer.serializeAsPEM().pemString + "\n"
    }

    /// The leaf's private key in PEM form.
    public var privateKeyPEM: String { privateKey.pemRepresentation }
}
