import NIOCore
import NIOSSL

/// Settings of `understudy record`'s reverse proxy. Every parameter has a default that suits
/// an agent fleet on one machine; `understudy.toml`'s `[record]` section maps onto these.
public struct RecorderConfiguration: Sendable {
    /// Where agents connect.
    public var listen: ListenAddress
    public var upstreams: UpstreamTable
    /// Bodies above this many bytes are proxied in full but recorded truncated (flag set).
    public var bodyLimit: Int
    /// A connection that has begun a request must finish its headers within this many seconds.
    public var headerTimeoutSeconds: Double
    /// An idle keep-alive connection is closed after this many seconds.
    public var idleTimeoutSeconds: Double
    /// On SIGINT/SIGTERM, in-flight requests get this long to finish before they are cut.
    public var drainTimeoutSeconds: Double
    /// Request headers larger than this are answered 431.
    public var maxHeaderBytes: Int
    public var upstreamConnectTimeoutSeconds: Double
    /// Longest silence allowed between two reads from an upstream (a stream may last longer).
    public var upstreamReadTimeoutSeconds: Double
    /// `--forward` mode: concurrent connections to one intercepted host before requests queue.
    /// (The reverse proxy opens one upstream connection per client connection.)
    public var upstreamPoolSize: Int
    /// Event loop threads (default: `defaultThreads`).
    public var threads: Int
    /// `record --forward`: also act as an HTTP(S) forward proxy on the same listener (nil: off).
    public var forward: ForwardConfiguration? = nil
    /// Trusted besides the system trust store when verifying https upstreams (`--upstream-ca`;
    /// a private gateway's CA, or a test CA).
    public var upstreamTrustRoots: [NIOSSLCertificate] = []

    /// One event loop per core less one, at least one: the recording threads (us-recorder,
    /// us-archive) take a quarter to a third of the process's CPU (11 of 34 µs per JSON request, 76
    /// of 260 per stream), and loops on every core made them compete with the loops for the last
    /// one. On 2 cores one loop served streams at 2000/s with +0.30 ms added p50 where two added
    /// +0.69 (3 pairs, all lower), at the same CPU per JSON request (MEASUREMENTS.md, 28 Nov).
    public static var defaultThreads: Int { max(1, System.coreCount - 1) }

    public init(
        listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 8080),
        upstreams: UpstreamTable = UpstreamTable(),
        bodyLimit: Int = 32 * 1024 * 1024,
        headerTimeoutSeconds: Double = 10,
        idleTimeoutSeconds: Double = 120,
        drainTimeoutSeconds: Double = 10,
        maxHeaderBytes: Int = 64 * 1024,
        upstreamConnectTimeoutSeconds: Double = 10,
        upstreamReadTimeoutSeconds: Double = 600,
        upstreamPoolSize: Int = 1024,
        threads: Int = RecorderConfiguration.defaultThreads
    ) {
        self.listen = listen
        self.upstreams = upstreams
        self.bodyLimit = bodyLimit
        self.headerTimeoutSeconds = headerTimeoutSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.drainTimeoutSeconds = drainTimeoutSeconds
        self.maxHeaderBytes = maxHeaderBytes
        self.upstreamConnectTimeoutSeconds = upstreamConnectTimeoutSeconds
        self.upstreamReadTimeoutSeconds = upstreamReadTimeoutSeconds
        self.upstreamPoolSize = upstreamPoolSize
        self.threads = threads
    }

    /// Adds the certificates of a PEM bundle to `upstreamTrustRoots`; the error names the file.
    public mutating func trustUpstreamCertificates(inPEMFile path: String) throws {
        upstreamTrustRoots += try Self.upstreamCertificates(inPEMFile: path)
    }

    /// The certificates of a PEM bundle of upstream CAs (also `--forward-upstream-ca`'s).
    static func upstreamCertificates(inPEMFile path: String) throws -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do { certificates = try NIOSSLCertificate.fromPEMFile(path) } catch {
            throw RecorderError("cannot read the upstream CA certificates \(path): \(error)")
        }
        guard !certificates.isEmpty else { throw RecorderError("\(path) holds no PEM certificate") }
        return certificates
    }
}
