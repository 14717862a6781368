import Logging
import NIOSSL

/// What every connection handler of one proxy shares: the upstream table and TLS context, the
/// recording path, metrics, settings.
final class ProxyServices: Sendable {
    let configuration: RecorderConfiguration
    let recorder: ExchangeRecorder
    let metrics: RecorderMetrics
    let logger: Logger
    let listenerLabel: String
    /// `serve`'s hook: LLM requests are held until complete and offered to it (nil for `record`).
    let answerer: (any LocalAnswerer)?
    /// `record --forward`: CONNECT and absolute-form requests (nil: reverse proxy only).
    let forward: ForwardProxy?
    /// TLS for the direct upstream connections (`UpstreamConnection`) to https upstreams: the
    /// system's trust roots and `upstreamTrustRoots`; nil when no upstream is https or the context could not be made.
    let upstreamTLS: NIOSSLContext?

    init(
        configuration: RecorderConfiguration, recorder: ExchangeRecorder,
        metrics: RecorderMetrics, logger: Logger, listenerLabel: String,
        answerer: (any LocalAnswerer)? = nil, forward: ForwardProxy? = nil
    ) {
        self.answerer = answerer
        let https = configuration.upstreams.byName.values.contains { $0.scheme == "https" }
        var tls = TLSConfiguration.makeClientConfiguration()
        if !configuration.upstreamTrustRoots.isEmpty {
            tls.additionalTrustRoots = [.certificates(configuration.upstreamTrustRoots)]
        }
        self.upstreamTLS = https ? try? NIOSSLContext(configuration: tls) : nil
        self.forward = forward
        self.configuration = configuration
        self.recorder = recorder
        self.metrics = metrics
        self.logger = logger
        self.listenerLabel = listenerLabel
    }
}
