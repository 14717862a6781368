import CoreMetrics
import NIOConcurrencyHelpers
import Prometheus
import UnderstudyArchive

/// The recorder's metrics, created once (not per request) against one Prometheus registry that
/// the admin listener serves at `/metrics`.
///
/// Names: `understudy_requests_total{provider}`, `understudy_request_bytes_total`,
/// `understudy_response_bytes_total`, `understudy_upstream_errors_total{kind}`,
/// `understudy_client_aborts_total`, `understudy_bad_requests_total{status}`,
/// `understudy_first_byte_seconds`, `understudy_request_seconds` (histograms),
/// `understudy_records_written_total`, `understudy_records_dropped_total`,
/// `understudy_record_queue_depth`, `understudy_in_flight_requests`; with `observeArchive`, the
/// archive writer's own counts at scrape time: `understudy_archive_records_written`,
/// `understudy_archive_records_dropped` (queue overflow, disk full) and `understudy_archive_write_errors`.
public final class RecorderMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let requests: [String: CoreMetrics.Counter]
    let requestBytes: CoreMetrics.Counter
    let responseBytes: CoreMetrics.Counter
    let upstreamErrors: [String: CoreMetrics.Counter]
    let clientAborts: CoreMetrics.Counter
    let badRequests: [Int: CoreMetrics.Counter]
    let firstByte: CoreMetrics.Timer
    let total: CoreMetrics.Timer
    let recordsWritten: CoreMetrics.Counter
    let recordsDropped: CoreMetrics.Counter
    let queueDepth: CoreMetrics.Gauge
    let inFlight: CoreMetrics.Meter
    let archiveWritten: CoreMetrics.Gauge
    let archiveDropped: CoreMetrics.Gauge
    let archiveWriteErrors: CoreMetrics.Gauge
    private let archiveSource = NIOLockedValueBox<(@Sendable () -> ArchiveWriterCounters)?>(nil)

    static let providers = ["openai", "azure", "anthropic", "gemini", "other"]
    static let errorKinds = ["unreachable", "timeout", "reset", "status_5xx", "other"]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
            .seconds(30), .seconds(60), .seconds(300),
        ]
        var requests: [String: CoreMetrics.Counter] = [:]
        for provider in Self.providers {
            requests[provider] = CoreMetrics.Counter(label: "understudy_requests_total", dimensions: [("provider", provider)],
                                         factory: factory)
        }
        self.requests = requests
        requestBytes = CoreMetrics.Counter(label: "understudy_request_bytes_total", factory: factory)
        responseBytes = CoreMetrics.Counter(label: "understudy_response_bytes_total", factory: factory)
        var errors: [String: CoreMetrics.Counter] = [:]
        for kind in Self.errorKinds {
            errors[kind] = CoreMetrics.Counter(label: "understudy_upstream_errors_total", dimensions: [("kind", kind)],
                                   factory: factory)
        }
        upstreamErrors = errors
        clientAborts = CoreMetrics.Counter(label: "understudy_client_aborts_total", factory: factory)
        var bad: [Int: CoreMetrics.Counter] = [:]
        for status in [400, 408, 431] {
            bad[status] = CoreMetrics.Counter(label: "understudy_bad_requests_total", dimensions: [("status", String(status))],
                                  factory: factory)
        }
        badRequests = bad
        firstByte = CoreMetrics.Timer(label: "understudy_first_byte_seconds", factory: factory)
        total = CoreMetrics.Timer(label: "understudy_request_seconds", factory: factory)
        recordsWritten = CoreMetrics.Counter(label: "understudy_records_written_total", factory: factory)
        recordsDropped = CoreMetrics.Counter(label: "understudy_records_dropped_total", factory: factory)
        queueDepth = CoreMetrics.Gauge(label: "understudy_record_queue_depth", factory: factory)
        inFlight = CoreMetrics.Meter(label: "understudy_in_flight_requests", factory: factory)
        archiveWritten = CoreMetrics.Gauge(label: "understudy_archive_records_written", factory: factory)
        archiveDropped = CoreMetrics.Gauge(label: "understudy_archive_records_dropped", factory: factory)
        archiveWriteErrors = CoreMetrics.Gauge(label: "understudy_archive_write_errors", factory: factory)
    }

    /// Reports the archive writer's counters with every scrape. Records the writer accepted can
    /// still be lost to the disk (full, failing); only the writer knows, so ask it.
    public func observeArchive(_ counters: @escaping @Sendable () -> ArchiveWriterCounters) {
        archiveSource.withLockedValue { $0 = counters }
    }

    func request(provider: String?) {
        requestCounter(provider: provider)?.increment()
    }

    /// The requests counter of a provider, for a caller that counts the same one again and again
    /// (the proxy's route cache: no dictionary lookup per request).
    func requestCounter(provider: String?) -> CoreMetrics.Counter? {
        requests[provider ?? "other"] ?? requests["other"]
    }

    func upstreamError(_ kind: String) {
        (upstreamErrors[kind] ?? upstreamErrors["other"])?.increment()
    }

    func badRequest(status: Int) {
        badRequests[status]?.increment()
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> [UInt8] {
        if let counters = archiveSource.withLockedValue({ $0 })?() {
            archiveWritten.record(counters.written)
            archiveDropped.record(counters.dropped)
            archiveWriteErrors.record(counters.writeErrors)
        }
        return registry.emitToBuffer()
    }
}
