import Crypto
import Foundation

/// The per-installation secret that keys redaction fingerprints.
///
/// It comes from configuration (`[redaction] key = "<64 hex digits>"`) or from a key file,
/// created on first use with 32 random bytes and mode 0600 in the user's config directory
/// (`$XDG_CONFIG_HOME/understudy/redaction.key`, else `~/.config/understudy/redaction.key`).
///
/// ```swift
/// let key = try RedactionKey.loadOrCreate(at: RedactionKey.defaultFileURL())
/// ```
public struct RedactionKey: Sendable {
    public let bytes: [UInt8]
    var symmetricKey: SymmetricKey { SymmetricKey(data: bytes) }

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses a key written as hex digits (at least 32 of them, i.e. 16 bytes).
    public init(hex: String) throws {
        let text = hex.trimmingCharacters(in: .whitespacesAndNewlines)
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let high = iterator.next() {
            guard let low = iterator.next(), let h = Self.nibble(high), let l = Self.nibble(low) else {
                throw RecorderError("redaction key is not an even number of hex digits")
            }
            bytes.append(h << 4 | l)
        }
        guard bytes.count >= 16 else { throw RecorderError("redaction key is shorter than 16 bytes (32 hex digits)") }
        self.bytes = bytes
    }

    /// `$XDG_CONFIG_HOME/understudy/redaction.key`, else `~/.config/understudy/redaction.key`.
    public static func defaultFileURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let base: URL
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            base = URL(fileURLWithPath: xdg, isDirectory: true)
        } else {
            let home = environment["HOME"] ?? NSHomeDirectory()
            base = URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".config", isDirectory: true)
        }
        return base.appendingPathComponent("understudy/redaction.key")
    }

    /// Reads the key file, or creates it (directory 0700, file 0600) with a fresh random key.
    public static func loadOrCreate(at url: URL) throws -> RedactionKey {
        let manager = FileManager.default
        if manager.fileExists(atPath: url.path) {
            let text: String
            do {
                text = try String(contentsOf: url, encoding: .utf8)
            } catch {
                throw RecorderError("cannot read the redaction key file \(url.path): \(error.localizedDescription)")
            }
            do {
                return try RedactionKey(hex: text)
            } catch let error as RecorderError {
                throw RecorderError("\(url.path): \(error.description); delete it to create a new key")
            }
        }
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = generator.next() }
        let hex = bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined() + "\n"
        let directory = url.deletingLastPathComponent()
        do {
            try manager.createDirectory(at: directory, withIntermediateDirectories: true,
                                        attributes: [.posixPermissions: 0o700])
            // Created with 0600 from the start, so the key is never readable by others.
            guard manager.createFile(atPath: url.path, contents: Data(hex.utf8), attributes: [.posixPermissions: 0o600])
            else { throw RecorderError("cannot create \(url.path)") }
        } catch let error as RecorderError {
            throw error
        } catch {
            throw RecorderError("cannot create the redaction key file \(url.path): \(error.localizedDescription)")
        }
        return RedactionKey(bytes: bytes)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x57
        case 0x41...0x46: return c - 0x37
        default: return nil
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
