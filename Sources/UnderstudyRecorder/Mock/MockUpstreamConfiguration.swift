/// Settings of `understudy mock-upstream`.
public struct MockUpstreamConfiguration: Sendable {
    public var listen: ListenAddress
    /// Time to first byte added to every answer, in milliseconds.
    public var latencyMs: Double
    /// Pace streamed answers at this many output tokens per second (0: as fast as possible).
    public var tokensPerSecond: Double
    /// PEM certificate chain and key: serve HTTPS instead of HTTP.
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    /// Largest request body accepted, in bytes (larger ones are answered 413).
    public var maxBodyBytes: Int
    public var threads: Int
    /// Upstream failures to play (`--fault`); none by default.
    public var faults: MockFaultSettings

    public init(
        listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 8081), latencyMs: Double = 0,
        tokensPerSecond: Double = 0, tlsCertificatePath: String? = nil, tlsKeyPath: String? = nil,
        maxBodyBytes: Int = 64 * 1024 * 1024, threads: Int = System.coreCount,
        faults: MockFaultSettings = MockFaultSettings()
    ) {
        self.listen = listen
        self.latencyMs = latencyMs
        self.tokensPerSecond = tokensPerSecond
        self.tlsCertificatePath = tlsCertificatePath
        self.tlsKeyPath = tlsKeyPath
        self.maxBodyBytes = maxBodyBytes
        self.threads = threads
        self.faults = faults
    }
}

import NIOCore
