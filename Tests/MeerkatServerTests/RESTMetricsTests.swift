import Foundation
import MeerkatCore
import MeerkatServer
import MeerkatService
import Testing

/// `/metrics` in Prometheus text: request counters and latencies, the live-session gauge, and the run and token
/// counters as true counters that only ever count each run once, however often they are scraped.
@Suite("REST metrics")
struct RESTMetricsTests {
    /// The value of the unlabelled sample `name`.
    static func sample(_ text: String, _ name: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1))
        }
        return nil
    }

    @Test func runAndTokenCountersAreMonotonicCounters() async throws {
        let harness = try await RESTHarness.start()
        let id = try #require(try await harness.request(.POST, "/sessions").json?["session"]?["id"]?.stringValue)
        let prompt: JSONValue = ["input_type": "prompt", "content": "count me"]
        // The counters are fed by the session's event pump before it logs an event: once the run's completion is
        // on the event stream, it has been counted.
        let events = try await harness.events(id, after: 0)
        _ = try await harness.request(.POST, "/sessions/\(id)/inputs?wait=true", json: prompt)
        _ = try await events.until { $0.type == "run_completed" }
        let first = try await harness.request(.GET, "/metrics").text
        #expect(first.contains("# TYPE meerkat_runs_completed_total counter"))
        #expect(first.contains("# TYPE meerkat_active_sessions gauge"))
        #expect(Self.sample(first, "meerkat_runs_completed_total") == 1)
        #expect((Self.sample(first, "meerkat_output_tokens_total") ?? 0) > 0)
        #expect(Self.sample(first, "meerkat_active_sessions") == 1)
        // A second scrape without new runs adds nothing; a new run adds exactly one.
        let again = try await harness.request(.GET, "/metrics").text
        #expect(Self.sample(again, "meerkat_runs_completed_total") == 1)
        _ = try await harness.request(.POST, "/sessions/\(id)/inputs?wait=true", json: prompt)
        _ = try await events.until { $0.type == "run_completed" }
        let second = try await harness.request(.GET, "/metrics").text
        #expect(Self.sample(second, "meerkat_runs_completed_total") == 2)
        #expect(Self.sample(second, "meerkat_runs_started_total") == 2)
        #expect(Self.sample(second, "meerkat_runs_failed_total") == 0)
        try await harness.stop()
    }
}
