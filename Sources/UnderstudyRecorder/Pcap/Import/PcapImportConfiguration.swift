/// Settings for turning captured packets into Exchange records, offline or live.
public struct PcapImportConfiguration: Sendable {
    /// Server ports to decode (`--port`); empty decodes every TCP flow that speaks HTTP/1.x.
    public var ports: Set<UInt16>
    /// Body bytes kept per message; longer bodies are recorded truncated.
    public var bodyLimit: Int
    /// Out-of-order bytes one direction may hold while waiting for a hole to fill.
    public var maxBufferedBytesPerDirection: Int
    /// A connection silent this long (in capture time) is closed and its exchanges written.
    public var flowIdleTimeoutMicros: Int64
    /// Most connections tracked at once; beyond it the least recently active one is closed.
    public var maxFlows: Int
    /// Names the capture in each record's `capture.listener` when no server address applies.
    public var source: String?

    /// - Parameters:
    ///   - ports: server ports to decode; empty means all.
    ///   - bodyLimit: bytes kept per body (default 32 MiB, the recorder's default).
    ///   - maxBufferedBytesPerDirection: reassembly buffer per direction (default 8 MiB).
    ///   - flowIdleTimeoutSeconds: idle connections are closed after this (default 300 s).
    ///   - maxFlows: concurrent connections tracked (default 65,536).
    ///   - source: the file or interface, for messages.
    public init(
        ports: Set<UInt16> = [], bodyLimit: Int = 32 << 20, maxBufferedBytesPerDirection: Int = 8 << 20,
        flowIdleTimeoutSeconds: Double = 300, maxFlows: Int = 65_536, source: String? = nil
    ) {
        self.ports = ports
        self.bodyLimit = bodyLimit
        self.maxBufferedBytesPerDirection = maxBufferedBytesPerDirection
        self.flowIdleTimeoutMicros = Int64(flowIdleTimeoutSeconds * 1_000_000)
        self.maxFlows = maxFlows
        self.source = source
    }
}
