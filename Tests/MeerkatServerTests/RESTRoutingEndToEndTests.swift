import Foundation
import MeerkatCore
import MeerkatServer
import MeerkatService
import Testing

/// Routing over REST against the mock provider, which records the model of every request (issue 13): a `turns{1}`
/// switch sends exactly one turn to the target, the next back to the baseline, and the switch's events reach SSE.
@Suite("REST routing end to end")
struct RESTRoutingEndToEndTests {
    @Test func turnsOneSwitchIsObservedOnTheMockAndOverSSE() async throws {
        let harness = try await RESTHarness.start(extraModels: ["mock-alt"])
        let id = try #require(try await harness.request(.POST, "/sessions").json?["session"]?["id"]?.stringValue)
        let events = try await harness.events(id, after: 0)

        let switched = try await harness.request(
            .POST, "/sessions/\(id)/routing/switch-turn", json: ["target_model": "mock-alt", "turns": 1])
        #expect(switched.status == 200, "\(switched.text)")
        let status = try await harness.request(.GET, "/sessions/\(id)/routing")
        #expect(status.json?["pending_switch_turn"]?["target_model"]?.stringValue == "mock-alt")

        let start = harness.mock.requests.count
        for prompt in ["on the target", "back on the baseline"] {
            let done = try await harness.request(
                .POST, "/sessions/\(id)/inputs?wait=true", json: ["input_type": "prompt", "content": .string(prompt)])
            #expect(done.json?["completion"]?["completion_type"]?.stringValue == "completed", "\(done.text)")
        }
        let models = harness.mock.requests.dropFirst(start).compactMap(\.model)
        #expect(models == ["mock-alt", "mock-model"])

        // The switch's life is visible on the event stream: pending, activated, its one terminal.
        let seen = try await events.until { event in
            event.json?["event"]?["event"]?["data"]?["code"]?.stringValue == "routing.switch_terminal"
        }
        let codes = seen.compactMap { $0.json?["event"]?["event"]?["data"]?["code"]?.stringValue }
            .filter { $0.hasPrefix("routing.switch") }
        #expect(codes == ["routing.switch_pending", "routing.switch_activated", "routing.switch_terminal"])
        let after = try await harness.request(.GET, "/sessions/\(id)/routing")
        #expect(after.json?["effective_model"]?.stringValue == "mock-model")
        #expect(after.json?["active_turn_override"] == nil)
        #expect(harness.recorder.problems() == [])
        try await harness.stop()
    }
}
