import CoreMetrics
import Foundation
import MeerkatService
import Prometheus

/// The REST surface's Prometheus metrics: request counts and latencies recorded through swift-metrics into a
/// registry of this server (no global bootstrap, so several servers can live in one process), plus the session
/// service's live-session, run and token counters read at scrape time.
final class RESTMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory

    init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(50),
            .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(30),
        ]
        self.factory = factory
    }

    /// Records one answered request under its route template (never the raw path, whose ids would explode the
    /// label space).
    func record(method: String, route: String, status: Int, duration: Duration) {
        CoreMetrics.Counter(
            label: "meerkat_http_requests_total",
            dimensions: [("method", method), ("route", route), ("status", String(status))], factory: factory
        ).increment()
        let nanoseconds = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        CoreMetrics.Timer(
            label: "meerkat_http_request_duration_seconds", dimensions: [("method", method), ("route", route)],
            factory: factory
        ).recordNanoseconds(nanoseconds)
    }

    /// The Prometheus text exposition, with the service counters updated first.
    func render(liveSessions: Int, stats: SessionServiceStats.Snapshot) -> String {
        func gauge(_ label: String, _ value: Int) {
            CoreMetrics.Gauge(label: label, factory: factory).record(value)
        }
        gauge("meerkat_active_sessions", liveSessions)
        gauge("meerkat_runs_started_total", stats.runsStarted)
        gauge("meerkat_runs_completed_total", stats.runsCompleted)
        gauge("meerkat_runs_failed_total", stats.runsFailed)
        gauge("meerkat_input_tokens_total", stats.inputTokens)
        gauge("meerkat_output_tokens_total", stats.outputTokens)
        return registry.emitToString()
    }
}
