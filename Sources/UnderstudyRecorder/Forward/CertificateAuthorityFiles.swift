import Foundation

/// Where Understudy's interception CA lives: `ca.pem` (the certificate) and `ca-key.pem` (its
/// private key, mode 0600) in the user's config directory.
///
/// The directory is `$UNDERSTUDY_CONFIG_DIR`, else `$XDG_CONFIG_HOME/understudy`, else
/// `~/.config/understudy`.
///
/// ```swift
/// let files = CertificateAuthorityFiles(directory: CertificateAuthorityFiles.defaultDirectory())
/// let ca = try CertificateAuthority.load(from: files)
/// ```
public struct CertificateAuthorityFiles: Sendable, Equatable {
    /// The directory that holds both files.
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// The PEM certificate clients are told to trust.
    public var certificate: URL { directory.appendingPathComponent("ca.pem") }
    /// The PEM private key (PKCS#8, P-256); never printed or logged.
    public var privateKey: URL { directory.appendingPathComponent("ca-key.pem") }

    /// `$UNDERSTUDY_CONFIG_DIR`, else `$XDG_CONFIG_HOME/understudy`, else `~/.config/understudy`.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let explicit = environment["UNDERSTUDY_CONFIG_DIR"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit, isDirectory: true)
        }
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("understudy", isDirectory: true)
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: home, isDirectory: true)
            .appendingPathComponent(".config/understudy", isDirectory: true)
    }

    /// Whether either file already exists (so `ca init` would overwrite something).
    public var exist: Bool {
        FileManager.default.fileExists(atPath: certificate.path) || FileManager.default.fileExists(atPath: privateKey.path)
    }

    /// Writes the certificate (0644) and the key (0600) into the directory (created 0700).
    ///
    /// The key file is created with mode 0600 before any byte is written, so it is never readable
    /// by others, and an existing key file is replaced, not appended to.
    func write(certificatePEM: String, privateKeyPEM: String) throws {
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: directory, withIntermediateDirectories: true,
                                        attributes: [.posixPermissions: 0o700])
        } catch {
            throw RecorderError("cannot create the config directory \(directory.path): \(error.localizedDescription)")
        }
        try Self.writeFile(privateKey, contents: privateKeyPEM, mode: 0o600)
        try Self.writeFile(certificate, contents: certificatePEM, mode: 0o644)
    }

    private static func writeFile(_ url: URL, contents: String, mode: mode_t) throws {
        unlink(url.path)
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else { throw RecorderError("cannot create \(url.path): \(String(cString: strerror(errno)))") }
        // open() applies the umask; set the mode explicitly so a permissive umask cannot widen it.
        fchmod(fd, mode)
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do { try handle.write(contentsOf: Data(contents.utf8)) } catch {
            throw RecorderError("cannot write \(url.path): \(error.localizedDescription)")
        }
    }
}
