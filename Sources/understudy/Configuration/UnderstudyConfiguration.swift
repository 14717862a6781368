import Foundation
import TOMLKit

/// Settings from `understudy.toml`, shared by the commands that run servers (`record`, `serve`,
/// `mock-upstream`). Command-line options override the file; the file overrides defaults.
///
/// ```toml
/// [record]
/// listen = "127.0.0.1:8080"
/// out = "captures/prod"
/// body_limit_mb = 32
/// forward = true                      # also an HTTPS_PROXY with TLS interception (record --forward)
/// forward_policy = "refuse"           # other CONNECTs: "tunnel" (default) or "refuse"
/// forward_hosts = ["llm.example.com"] # intercepted besides the default provider hosts
///
/// [upstreams]
/// openai = "https://api.openai.com"
/// anthropic = "https://api.anthropic.com"
/// default = "https://api.openai.com"
///
/// [redaction]
/// headers = ["x-internal-token"]      # redacted besides authorization, x-api-key, api-key, cookies
/// key_file = "~/.config/understudy/redaction.key"   # or: key = "<64 hex digits>"
///
/// [admin]
/// listen = "127.0.0.1:9090"
/// ```
///
/// Unknown keys in these sections are errors that name the file and key, so a typo never
/// silently falls back to a default. Sections this type does not know are left to the
/// commands that read them (`document`).
struct UnderstudyConfiguration {
    struct Record {
        var listen: String?
        var out: String?
        var bodyLimitMB: Double?
        var headerTimeoutSeconds: Double?
        var idleTimeoutSeconds: Double?
        var drainTimeoutSeconds: Double?
        var maxHeaderKB: Int?
        var threads: Int?
        var upstreamPoolSize: Int?
        var upstreamConnectTimeoutSeconds: Double?
        var upstreamReadTimeoutSeconds: Double?
        var forward: Bool?
        var forwardPolicy: String?
        var forwardHosts: [String] = []
        var forwardAllowPrivate: Bool?
        var forwardUpstreamCA: String?
        var recordingNice: Int?
        var compressionLevel: Int?
        var adaptiveCompression: Bool?
    }

    struct Redaction {
        var headers: [String] = []
        var key: String?
        var keyFile: String?
    }

    struct Admin {
        var listen: String?
    }

    var record = Record()
    /// `name → base URL`, e.g. `openai → https://api.openai.com`.
    var upstreams: [(name: String, url: String)] = []
    var redaction = Redaction()
    var admin = Admin()
    /// `[distill]`: defaults for `understudy distill` (see UnderstudyConfiguration+Distill.swift).
    var distill = Distill()
    /// Where the settings came from (nil: defaults only).
    var path: String?
    /// The whole parsed file, for sections other commands own.
    var document: TOMLTable?

    /// The file named by `--config`, else `./understudy.toml` when it exists, else defaults.
    static func load(path: String?) throws -> UnderstudyConfiguration {
        if let path { return try load(contentsOf: path) }
        if FileManager.default.fileExists(atPath: "understudy.toml") { return try load(contentsOf: "understudy.toml") }
        return UnderstudyConfiguration()
    }

    static func load(contentsOf path: String) throws -> UnderstudyConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CLIError("cannot read the configuration file \(path): \(error.localizedDescription)")
        }
        return try parse(text, path: path)
    }

    static func parse(_ text: String, path: String) throws -> UnderstudyConfiguration {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw CLIError("\(path):\(error.source.begin.line): \(error.description)")
        } catch {
            throw CLIError("\(path): not valid TOML: \(error)")
        }
        let reader = SectionReader(path: path)
        var configuration = UnderstudyConfiguration(path: path, document: table)

        if let section = try reader.section(table, "record") {
            try reader.allow(section, "record", [
                "listen", "out", "body_limit_mb", "header_timeout_s", "idle_timeout_s", "drain_timeout_s",
                "max_header_kb", "threads", "upstream_pool_size", "upstream_connect_timeout_s",
                "upstream_read_timeout_s", "forward", "forward_policy", "forward_hosts", "forward_allow_private",
                "forward_upstream_ca", "recording_nice", "compression_level", "adaptive_compression",
            ])
            var r = Record()
            r.listen = try reader.string(section, "record", "listen")
            r.out = try reader.string(section, "record", "out")
            r.bodyLimitMB = try reader.number(section, "record", "body_limit_mb")
            r.headerTimeoutSeconds = try reader.number(section, "record", "header_timeout_s")
            r.idleTimeoutSeconds = try reader.number(section, "record", "idle_timeout_s")
            r.drainTimeoutSeconds = try reader.number(section, "record", "drain_timeout_s")
            r.maxHeaderKB = try reader.integer(section, "record", "max_header_kb")
            r.threads = try reader.integer(section, "record", "threads")
            r.upstreamPoolSize = try reader.integer(section, "record", "upstream_pool_size")
            r.upstreamConnectTimeoutSeconds = try reader.number(section, "record", "upstream_connect_timeout_s")
            r.upstreamReadTimeoutSeconds = try reader.number(section, "record", "upstream_read_timeout_s")
            r.forward = try reader.boolean(section, "record", "forward")
            r.forwardPolicy = try reader.string(section, "record", "forward_policy")
            r.forwardHosts = try reader.strings(section, "record", "forward_hosts") ?? []
            r.forwardAllowPrivate = try reader.boolean(section, "record", "forward_allow_private")
            r.forwardUpstreamCA = try reader.string(section, "record", "forward_upstream_ca")
            r.recordingNice = try reader.integer(section, "record", "recording_nice")
            r.compressionLevel = try reader.integer(section, "record", "compression_level")
            r.adaptiveCompression = try reader.boolean(section, "record", "adaptive_compression")
            configuration.record = r
        }
        if let section = try reader.section(table, "upstreams") {
            for name in section.keys.sorted() {
                guard let url = try reader.string(section, "upstreams", name) else { continue }
                configuration.upstreams.append((name, url))
            }
        }
        if let section = try reader.section(table, "redaction") {
            try reader.allow(section, "redaction", ["headers", "key", "key_file"])
            configuration.redaction.headers = try reader.strings(section, "redaction", "headers") ?? []
            configuration.redaction.key = try reader.string(section, "redaction", "key")
            configuration.redaction.keyFile = try reader.string(section, "redaction", "key_file")
        }
        if let section = try reader.section(table, "admin") {
            try reader.allow(section, "admin", ["listen"])
            configuration.admin.listen = try reader.string(section, "admin", "listen")
        }
        if let section = try reader.section(table, "distill") {
            configuration.distill = try Distill(section, reader)
        }
        return configuration
    }
}

/// Typed access to TOML values with errors that say file, section and key.
struct SectionReader {
    let path: String

    func section(_ table: TOMLTable, _ name: String) throws -> TOMLTable? {
        guard let value = table[name] else { return nil }
        guard let section = value.table else { throw CLIError("\(path): [\(name)] must be a table") }
        return section
    }

    func allow(_ table: TOMLTable, _ section: String, _ keys: Set<String>) throws {
        for key in table.keys where !keys.contains(key) {
            throw CLIError("\(path): unknown key '\(key)' in [\(section)] (known: \(keys.sorted().joined(separator: ", ")))")
        }
    }

    func string(_ table: TOMLTable, _ section: String, _ key: String) throws -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string else { throw CLIError("\(path): [\(section)] \(key) must be a string") }
        return text
    }

    func strings(_ table: TOMLTable, _ section: String, _ key: String) throws -> [String]? {
        guard let value = table[key] else { return nil }
        guard let array = value.array else { throw CLIError("\(path): [\(section)] \(key) must be an array of strings") }
        return try array.map { element in
            guard let text = element.string else {
                throw CLIError("\(path): [\(section)] \(key) must be an array of strings")
            }
            return text
        }
    }

    func boolean(_ table: TOMLTable, _ section: String, _ key: String) throws -> Bool? {
        guard let value = table[key] else { return nil }
        guard let flag = value.bool else { throw CLIError("\(path): [\(section)] \(key) must be true or false") }
        return flag
    }

    func integer(_ table: TOMLTable, _ section: String, _ key: String) throws -> Int? {
        guard let value = table[key] else { return nil }
        guard let number = value.int else { throw CLIError("\(path): [\(section)] \(key) must be an integer") }
        return number
    }

    func number(_ table: TOMLTable, _ section: String, _ key: String) throws -> Double? {
        guard let value = table[key] else { return nil }
        if let number = value.double { return number }
        if let number = value.int { return Double(number) }
        throw CLIError("\(path): [\(section)] \(key) must be a number")
    }

    func bool(_ table: TOMLTable, _ section: String, _ key: String) throws -> Bool? {
        guard let value = table[key] else { return nil }
        guard let flag = value.bool else { throw CLIError("\(path): [\(section)] \(key) must be true or false") }
        return flag
    }
}
