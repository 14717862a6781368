import AsyncHTTPClient
import Logging

/// What every connection handler of one proxy shares: the upstream client and table, the
/// recording path, metrics, settings.
final class ProxyServices: Sendable {
    let configuration: RecorderConfiguration
    let client: HTTPClient
    let recorder: ExchangeRecorder
    let metrics: RecorderMetrics
    let logger: Logger
    let listenerLabel: String

    init(
        configuration: RecorderConfiguration, client: HTTPClient, recorder: ExchangeRecorder,
        metrics: RecorderMetrics, logger: Logger, listenerLabel: String
    ) {
        self.configuration = configuration
        self.client = client
        self.recorder = recorder
        self.metrics = metrics
        self.logger = logger
        self.listenerLabel = listenerLabel
    }
}
