import Foundation
import MeerkatCore
import MeerkatTesting
import Testing

/// End to end with real `skat` processes: every command is a new process, so a `--turns 2` switch crossing three
/// invocations also proves the count survives process restarts; the mock records each request's model.
@Suite("skat model routing", .serialized)
struct ModelRoutingCLITests {
    @Test func switchModelRoutesCallsAcrossProcessRestarts() async throws {
        let server = MockProviderServer()
        try await server.start()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let first = try await sandbox.run(["run", "-m", "gpt-5.4", "-q", "hello"])
        #expect(first.status == 0, "\(first.stderr)")

        let switched = try await sandbox.run([
            "session", "switch-model", "last", "gpt-5.4-mini", "--turns", "2", "-o", "json",
        ])
        #expect(switched.status == 0, "\(switched.stderr)")
        let result = try JSONValue.parse(switched.stdout)
        #expect(result["result"] == "applied" && result["duration"] == "turns:2")
        #expect(result["status"]?["pending_switch_turn"]?["turns"] == 2)

        let start = server.requests.count
        for index in 1...3 {
            let turn = try await sandbox.run(["run", "--resume", "last", "-q", "turn \(index)"])
            #expect(turn.status == 0, "\(turn.stderr)")
        }
        #expect(server.requests.dropFirst(start).compactMap(\.model) == ["gpt-5.4-mini", "gpt-5.4-mini", "gpt-5.4"])

        let routing = try JSONValue.parse(try await sandbox.run(["session", "routing", "last", "-o", "json"]).stdout)
        #expect(routing["baseline_model"] == "gpt-5.4" && routing["effective_model"] == "gpt-5.4")
        #expect(routing["active_turn_override"] == nil && routing["session_provider"] == "openai")
        let text = try await sandbox.run(["session", "routing", "last"])
        #expect(text.stdout.contains("effective model: gpt-5.4"))

        let capabilities = try JSONValue.parse(
            try await sandbox.run(["session", "capabilities", "last", "-o", "json"]).stdout)
        #expect(capabilities["identity"]?["model"] == "gpt-5.4")
        #expect(capabilities["capabilities"]?["supports_reasoning"] != nil)

        // `run --resume -m` is a validated reconfiguration: the baseline follows it.
        let resumed = try await sandbox.run(["run", "--resume", "last", "-m", "gpt-5.4-mini", "-q", "after"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(server.requests.last?.model == "gpt-5.4-mini")
        let after = try JSONValue.parse(try await sandbox.run(["session", "routing", "last", "-o", "json"]).stdout)
        #expect(after["baseline_model"] == "gpt-5.4-mini")

        let unknown = try await sandbox.run(["session", "switch-model", "last", "gpt-5.44-nope"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("gpt-5.44-nope"))
        let conflicting = try await sandbox.run([
            "session", "switch-model", "last", "gpt-5.4", "--once", "--turns", "2",
        ])
        #expect(conflicting.status != 0)
    }
}
