import Foundation
import MeerkatCore
import MeerkatRuntime
import MeerkatService
import MeerkatTesting
import Testing

/// Model requests outside the catalog's ordinary path are routed too (issue 12): a manual compaction goes to the
/// session's current identity, and a session on an ad-hoc server (`base_url`) is routed, switched and reconfigured
/// like any other, with the way back to its server kept.
extension ModelRoutingEndToEndTests {
    @Test func manualCompactionUsesTheReconfiguredModelAndConsumesNoSwitchTurn() async throws {
        let fixture = try await Fixture.make()
        defer { Task { await fixture.cleanUp() } }
        let store = InMemoryRuntimeStore()
        let service = try fixture.service(store: store, sessions: store)
        let id = try await service.createSession(CreateSessionRequest())
        for index in 1...3 { try await Self.turn(service, id, "exchange \(index): plain answer please") }
        _ = try await service.reconfigure(id, SessionLLMReconfigureRequest(model: "gpt-5.4"))
        _ = try await service.switchModel(id, model: "gemini-3.5-flash", duration: .turns(1))

        let start = fixture.server.requests.count
        let outcome = try await service.compact(id)
        #expect(outcome.messagesAfter < outcome.messagesBefore)
        let summary = Array(fixture.server.requests.dropFirst(start))
        // The summary call goes to the reconfigured model, not to the client the agent was built with.
        #expect(summary.map(\.endpoint) == ["POST /v1/responses"])
        #expect(summary.map(\.model) == ["gpt-5.4"])
        // The pending one-turn switch is still there for the next assistant turn.
        let status = try await service.routingStatus(id)
        #expect(status.pendingSwitchTurn != nil || status.activeTurnOverride?.remainingTurns == 1)
        let next = fixture.server.requests.count
        try await Self.turn(service, id, "after compaction")
        #expect(Self.models(fixture.server, from: next) == ["gemini-3.5-flash"])
        await service.shutdown()
    }

    @Test func adHocServerSessionIsRoutedSwitchedAndReconfiguredBack() async throws {
        let fixture = try await Fixture.make()
        defer { Task { await fixture.cleanUp() } }
        let store = InMemoryRuntimeStore()
        let service = try fixture.service(store: store, sessions: store)
        let adHoc = fixture.server.baseURL + "/v1"
        let id = try await service.createSession(
            CreateSessionRequest(intent: SessionIntent(model: "local-llama", baseURL: adHoc)))
        let server = fixture.server

        var start = server.requests.count
        try await Self.turn(service, id, "on the ad-hoc server")
        #expect(server.requests.dropFirst(start).map(\.endpoint) == ["POST /v1/chat/completions"])
        #expect(Self.models(server, from: start) == ["local-llama"])
        let status = try await service.routingStatus(id)
        #expect(status.baselineModel == "local-llama" && status.sessionProvider == "self_hosted")
        #expect(try await service.identity(id)?.selfHostedServerID == ProviderAgentFactory.adHocServerID)

        // A one-turn switch to a catalog model, then back to the ad-hoc server.
        _ = try await service.switchModel(id, model: "claude-sonnet-4-6", duration: .once)
        start = server.requests.count
        try await Self.turn(service, id, "switched once")
        try await Self.turn(service, id, "back on the server")
        #expect(Self.models(server, from: start) == ["claude-sonnet-4-6", "local-llama"])

        // A reconfiguration to another provider keeps the server for the way back.
        let away = try await service.reconfigure(id, SessionLLMReconfigureRequest(model: "gpt-5.4"))
        #expect(away.previousIdentity.selfHostedServerID == ProviderAgentFactory.adHocServerID)
        #expect(away.newIdentity.provider == "openai" && away.newIdentity.selfHostedServerID == nil)
        start = server.requests.count
        try await Self.turn(service, id, "on openai")
        #expect(server.requests.dropFirst(start).map(\.endpoint) == ["POST /v1/responses"])
        // Settings changes after the switch away still validate (the session keeps its base_url).
        try await service.updateIntent(id) { $0.maxTokens = 300 }

        let back = try await service.reconfigure(id, SessionLLMReconfigureRequest(model: "local-llama"))
        #expect(back.newIdentity.provider == "self_hosted")
        #expect(back.newIdentity.selfHostedServerID == ProviderAgentFactory.adHocServerID)
        // A rebuilt service (the agent made again from the stored intent) still reaches the ad-hoc server.
        await service.shutdown()
        let again = try fixture.service(store: store, sessions: store)
        start = server.requests.count
        try await Self.turn(again, id, "after restart")
        #expect(server.requests.dropFirst(start).map(\.endpoint) == ["POST /v1/chat/completions"])
        #expect(Self.models(server, from: start) == ["local-llama"])

        // The server's models are self-hosted: naming another provider for one is a typed error.
        await #expect(throws: ServiceError.self) {
            _ = try await again.reconfigure(
                id, SessionLLMReconfigureRequest(model: "other-local", provider: "anthropic"))
        }
        await again.shutdown()
    }
}
