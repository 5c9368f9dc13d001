import Foundation
import MeerkatCore
import MeerkatTesting
import Testing

/// Issue 12: a `skat run` SIGKILLed while `generate_image` holds its scoped operation override (the image request is
/// at the provider, which stalls) leaves no override behind: recovery clears it and the session routes to its
/// baseline again.
@Suite("SIGKILL during an image operation", .serialized)
struct ImageOverrideCrashTests {
    @Test func sigkillDuringAnActiveImageOverrideLeavesNoOverrideAfterRecovery() async throws {
        let server = MockProviderServer()
        try await server.start()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let first = try await sandbox.run(["run", "-m", "gpt-5.4", "-t", "workspace", "-q", "hello"])
        #expect(first.status == 0, "\(first.stderr)")
        let before = try JSONValue.parse(try await sandbox.run(["session", "routing", "last", "-o", "json"]).stdout)
        let epochBefore = try #require(before["topology_epoch"]?.intValue)

        let requestsBefore = server.requests.count
        let running = try sandbox.start([
            "run", "--resume", "last", "-q", #"call tool generate_image {"prompt": "[stall] a fox"}"#,
        ])
        running.closeInput()
        // The chat request that calls the tool, then the image request the mock stalls on.
        #expect(await server.waitForRequests(requestsBefore + 2, timeout: .seconds(30)))
        #expect(server.requests.dropFirst(requestsBefore).compactMap(\.imageModel) == ["gpt-image-1"])
        running.killNow()
        _ = await running.finish()

        let after = try await sandbox.run(["session", "routing", "last", "-o", "json"])
        #expect(after.status == 0, "\(after.stderr)")
        let routing = try JSONValue.parse(after.stdout)
        #expect(routing["active_operation_override"] == nil, "\(after.stdout)")
        #expect(routing["effective_model"] == "gpt-5.4")
        // Activation moved the epoch once; recovery's restore moved it again.
        #expect((routing["topology_epoch"]?.intValue ?? 0) >= epochBefore + 2, "\(after.stdout)")

        // The session answers on its baseline model again.
        let next = try await sandbox.run(["run", "--resume", "last", "-q", "and now?"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(server.requests.last?.model == "gpt-5.4")
    }
}
