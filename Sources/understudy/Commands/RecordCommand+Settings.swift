import ArgumentParser
import Foundation
import UnderstudyArchive
import UnderstudyRecorder

/// What `record` runs with: command-line options over `understudy.toml` over defaults.
struct RecorderSettings {
    var proxy: RecorderConfiguration
    var out: URL
    var admin: ListenAddress?
    var redactor: HeaderRedactor
    /// How much nicer than the event loops the recorder and archive writer threads run. 0 by
    /// default: at 10 and 19 they starved at saturation and dropped 10–50% of the records
    /// (Recorder README, "The recording threads").
    var recordingNice = 0
    /// The archive's zstd level when the writer keeps up, and whether it adapts under backlog.
    /// 3, not the library's 6: on recorded traffic level 6 compressed 5x slower for 8-10% fewer
    /// bytes (UnderstudyArchive README, "Compression level of live capture").
    var compressionLevel = 3
    var adaptiveCompression = true

    /// The live-capture archive writer: flush deadlines from the exchange's end, nicer thread,
    /// adaptive compression (`ArchiveWriterConfiguration`).
    var archive: ArchiveWriterConfiguration {
        var configuration = ArchiveWriterConfiguration(
            directory: out, compressionLevel: compressionLevel, flushClock: .exchangeEnd)
        configuration.threadNiceness = recordingNice
        configuration.adaptiveCompression = adaptiveCompression
        return configuration
    }

    static func resolve(
        file: UnderstudyConfiguration, listen: String?, upstreams: [String], out: String?, admin: String?,
        redactHeaders: [String], bodyLimitMB: Double?, threads: Int?, forward: ForwardOptions? = nil,
        upstreamCA: String? = nil
    ) throws -> RecorderSettings {
        let source = file.path ?? "defaults"
        func fail(_ error: any Error) -> CLIError { CLIError("\(source): \(error)") }
        var proxy = RecorderConfiguration()
        let r = file.record
        do {
            if let text = listen ?? r.listen { proxy.listen = try ListenAddress(parsing: text) }
            var table = UpstreamTable()
            for (name, url) in file.upstreams { table.set(try Upstream(name: name, url: url)) }
            for text in upstreams { table.set(try Upstream(parsing: text)) }
            proxy.upstreams = table
        } catch { throw fail(error) }
        // nil: not a forward proxy (a bare ForwardOptions() cannot be read: it was never parsed).
        proxy.forward = try forward?.resolve(file: file)
        // A forward proxy takes its destinations from the requests; upstreams serve base-URL clients.
        guard !proxy.upstreams.isEmpty || proxy.forward != nil else {
            throw ValidationError("no upstream: give --upstream openai=URL (and anthropic=…, default=…) or [upstreams] in understudy.toml, or --forward")
        }
        if let mb = bodyLimitMB ?? r.bodyLimitMB { proxy.bodyLimit = Int(mb * 1024 * 1024) }
        if let v = r.headerTimeoutSeconds { proxy.headerTimeoutSeconds = v }
        if let v = r.idleTimeoutSeconds { proxy.idleTimeoutSeconds = v }
        if let v = r.drainTimeoutSeconds { proxy.drainTimeoutSeconds = v }
        if let v = r.maxHeaderKB { proxy.maxHeaderBytes = v * 1024 }
        if let v = threads ?? r.threads { proxy.threads = max(1, v) }
        if let v = r.upstreamPoolSize { proxy.upstreamPoolSize = v }
        if let v = r.upstreamConnectTimeoutSeconds { proxy.upstreamConnectTimeoutSeconds = v }
        if let v = r.upstreamReadTimeoutSeconds { proxy.upstreamReadTimeoutSeconds = v }
        if let path = upstreamCA {
            do { try proxy.trustUpstreamCertificates(inPEMFile: path) } catch { throw CLIError("\(error)") }
        }

        let outPath = out ?? r.out ?? "captures/" + Self.timestampName()
        var adminAddress: ListenAddress?
        if let text = admin ?? file.admin.listen {
            do { adminAddress = try ListenAddress(parsing: text) } catch { throw fail(error) }
        }

        let key: RedactionKey
        do {
            if let hex = file.redaction.key {
                key = try RedactionKey(hex: hex)
            } else if let path = file.redaction.keyFile {
                key = try RedactionKey.loadOrCreate(at: URL(fileURLWithPath: (path as NSString).expandingTildeInPath))
            } else {
                key = try RedactionKey.loadOrCreate(at: RedactionKey.defaultFileURL())
            }
        } catch { throw fail(error) }
        let redactor = HeaderRedactor(key: key, additionalHeaders: file.redaction.headers + redactHeaders)
        var settings = RecorderSettings(
            proxy: proxy, out: URL(fileURLWithPath: outPath, isDirectory: true), admin: adminAddress, redactor: redactor)
        if let v = r.recordingNice {
            guard (0...19).contains(v) else { throw fail(RecorderError("[record] recording_nice must be 0 to 19, not \(v)")) }
            settings.recordingNice = v
        }
        if let v = r.compressionLevel {
            guard (1...19).contains(v) else { throw fail(RecorderError("[record] compression_level must be 1 to 19, not \(v)")) }
            settings.compressionLevel = v
        }
        if let v = r.adaptiveCompression { settings.adaptiveCompression = v }
        return settings
    }

    static func timestampName() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: Date())
    }
}
