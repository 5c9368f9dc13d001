import CoreMetrics
import Foundation
import MeerkatService
import Prometheus
import Synchronization

/// The REST surface's Prometheus metrics: request counts and latencies recorded through swift-metrics into a
/// registry of this server (no global bootstrap, so several servers can live in one process), plus the session
/// service's live-session, run and token counters read at scrape time.
final class RESTMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    /// The service counters as of the last scrape: each scrape adds only what happened since to the Prometheus
    /// counters, so they are true monotonic counters (`# TYPE … counter`), not gauges.
    private let exported = Mutex(SessionServiceStats.Snapshot())

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
        CoreMetrics.Gauge(label: "meerkat_active_sessions", factory: factory).record(liveSessions)
        // Field by field, under one lock: a scrape holding an older snapshot than the last one adds nothing.
        let fields:
            [(String, KeyPath<SessionServiceStats.Snapshot, Int>, WritableKeyPath<SessionServiceStats.Snapshot, Int>)] =
                [
                    ("meerkat_runs_started_total", \.runsStarted, \.runsStarted),
                    ("meerkat_runs_completed_total", \.runsCompleted, \.runsCompleted),
                    ("meerkat_runs_failed_total", \.runsFailed, \.runsFailed),
                    ("meerkat_input_tokens_total", \.inputTokens, \.inputTokens),
                    ("meerkat_output_tokens_total", \.outputTokens, \.outputTokens),
                ]
        let deltas = exported.withLock { last in
            fields.map { label, read, write in
                let delta = max(0, stats[keyPath: read] - last[keyPath: read])
                last[keyPath: write] += delta
                return (label, delta)
            }
        }
        for (label, delta) in deltas {
            let counter = CoreMetrics.Counter(label: label, factory: factory)
            if delta > 0 { counter.increment(by: delta) }
        }
        return registry.emitToString()
    }
}
