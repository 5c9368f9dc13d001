import Foundation
import MeerkatCore
import MeerkatRuntime
import MeerkatSQLite
import MeerkatService
import MeerkatTesting
import Testing

/// End to end (issue 12) against the mock provider, which records the model and endpoint of every request: the
/// service routes the actual calls (not only the reported model), across providers, and routing state survives a
/// restart of the service over the same SQLite realm.
@Suite("Model routing end to end")
struct ModelRoutingEndToEndTests {
    /// A project folder, the mock provider and the environment pointing every provider at it.
    struct Fixture {
        let server: MockProviderServer
        let project: URL
        let environment: [String: String]
        let config: MeerkatConfig

        static func make() async throws -> Fixture {
            let server = MockProviderServer(configuration: .init(requireAuth: false))
            try await server.start()
            let project = FileManager.default.temporaryDirectory.appendingPathComponent("routing-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
            try "routing notes\n".write(
                to: project.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
            let environment = [
                "ANTHROPIC_API_KEY": "k", "OPENAI_API_KEY": "k", "GEMINI_API_KEY": "k",
                "ANTHROPIC_BASE_URL": server.baseURL, "OPENAI_BASE_URL": server.baseURL + "/v1",
                "GEMINI_BASE_URL": server.baseURL,
            ]
            let config = try MeerkatConfig(
                tree: [
                    "agent": [
                        "model": "claude-sonnet-4-6", "system_prompt": "Test agent.", "max_tokens_per_turn": 512,
                    ],
                    "tools": ["preset": "safe", "allow": ["read_file"]],
                    // Small, so that a manual compaction has exchanges to archive after a few turns.
                    "compaction": ["recent_turn_budget": 1],
                ], source: "test")
            return Fixture(server: server, project: project, environment: environment, config: config)
        }

        func service(store: any RuntimeStore, sessions: any SessionStore) throws -> SessionService {
            let factory = try ProviderAgentFactory(config: config, projectRoot: project, environment: environment)
            return SessionService(
                store: store, sessions: sessions, factory: factory, config: config,
                prompts: SystemPromptAssembler(projectRoot: nil, homeDirectory: nil))
        }

        func cleanUp() async {
            await server.stop()
            try? FileManager.default.removeItem(at: project)
        }
    }

    static func turn(_ service: SessionService, _ id: SessionID, _ prompt: String) async throws {
        let (_, handle) = try await service.startTurn(id, prompt: .text(prompt))
        let outcome = try #require(try await handle?.wait())
        guard case .completed = outcome else {
            Issue.record("turn '\(prompt)' did not complete: \(outcome)")
            return
        }
    }

    /// Models of the requests from `start` on.
    static func models(_ server: MockProviderServer, from start: Int) -> [String] {
        server.requests.dropFirst(start).compactMap(\.model)
    }

    @Test func providerSwitchMidSessionKeepsToolHistory() async throws {
        let fixture = try await Fixture.make()
        defer { Task { await fixture.cleanUp() } }
        let store = InMemoryRuntimeStore()
        let service = try fixture.service(store: store, sessions: store)
        let id = try await service.createSession(CreateSessionRequest())
        let server = fixture.server
        let toolPrompt = #"call tool read_file {"path": "notes.txt"}"#

        try await Self.turn(service, id, "first: " + toolPrompt)
        #expect(server.requests.map(\.endpoint) == ["POST /v1/messages", "POST /v1/messages"])

        let toOpenAI = try await service.reconfigure(id, SessionLLMReconfigureRequest(model: "gpt-5.4"))
        #expect(toOpenAI.previousIdentity.provider == "anthropic" && toOpenAI.newIdentity.provider == "openai")
        var start = server.requests.count
        try await Self.turn(service, id, "second: " + toolPrompt)
        let openAI = Array(server.requests.dropFirst(start))
        #expect(openAI.map(\.endpoint) == ["POST /v1/responses", "POST /v1/responses"])
        #expect(openAI.allSatisfy { $0.model == "gpt-5.4" })
        // The Anthropic-era tool call and result are re-encoded as Responses items.
        let firstOpenAI = openAI[0].bodyText
        #expect(firstOpenAI.contains("function_call") && firstOpenAI.contains("function_call_output"))
        #expect(firstOpenAI.contains("routing notes"))

        _ = try await service.reconfigure(
            id, SessionLLMReconfigureRequest(model: "gemini-3.5-flash", provider: "gemini"))
        start = server.requests.count
        try await Self.turn(service, id, "third: plain answer please")
        let gemini = Array(server.requests.dropFirst(start))
        #expect(gemini.map(\.path) == ["/v1beta/models/gemini-3.5-flash:streamGenerateContent"])
        let geminiBody = gemini.first?.bodyText ?? ""
        #expect(geminiBody.contains("functionCall") && geminiBody.contains("functionResponse"))
        #expect(geminiBody.contains("first:") && geminiBody.contains("second:"))

        let session = try #require(try await service.loadSession(id))
        #expect(session.unansweredToolUseIDs.isEmpty)
        #expect(session.intent.model == "gemini-3.5-flash")
        let status = try await service.routingStatus(id)
        #expect(status.baselineModel == "gemini-3.5-flash" && status.sessionProvider == "gemini")
        await service.shutdown()
    }

    @Test func turnsTwoIsExactlyTwoRequestsToTheTargetThenTheBaseline() async throws {
        let fixture = try await Fixture.make()
        defer { Task { await fixture.cleanUp() } }
        let store = InMemoryRuntimeStore()
        let service = try fixture.service(store: store, sessions: store)
        let id = try await service.createSession(CreateSessionRequest())
        let result = try await service.switchModel(id, model: "gpt-5.4", duration: .turns(2))
        guard case .applied = result else {
            Issue.record("switch not applied: \(result)")
            return
        }
        let start = fixture.server.requests.count
        for index in 1...3 { try await Self.turn(service, id, "plain turn \(index)") }
        #expect(Self.models(fixture.server, from: start) == ["gpt-5.4", "gpt-5.4", "claude-sonnet-4-6"])
        let status = try await service.routingStatus(id)
        #expect(status.activeTurnOverride == nil && status.effectiveModel == "claude-sonnet-4-6")
        await service.shutdown()
    }

    @Test func perTurnModelAndProviderRouteThatTurn() async throws {
        let fixture = try await Fixture.make()
        defer { Task { await fixture.cleanUp() } }
        let store = InMemoryRuntimeStore()
        let service = try fixture.service(store: store, sessions: store)
        let id = try await service.createSession(CreateSessionRequest())
        let start = fixture.server.requests.count
        let (_, handle) = try await service.startTurn(
            id, prompt: .text("one off"),
            turnMetadata: RuntimeTurnMetadata(model: "gemini-3.5-flash", provider: "gemini"))
        _ = try await handle?.wait()
        try await Self.turn(service, id, "back to baseline")
        #expect(Self.models(fixture.server, from: start) == ["gemini-3.5-flash", "claude-sonnet-4-6"])
        // A provider that does not own the model fails that turn with a typed reason; nothing is sent.
        let before = fixture.server.requests.count
        let (_, bad) = try await service.startTurn(
            id, prompt: .text("mismatch"), turnMetadata: RuntimeTurnMetadata(model: "gpt-5.4", provider: "gemini"))
        let outcome = try #require(try await bad?.wait())
        if case .completed = outcome { Issue.record("a mismatched provider must not complete") }
        #expect(fixture.server.requests.count == before)
        await service.shutdown()
    }

    @Test func unknownModelIsAValidationErrorNamingTheNearest() async throws {
        let fixture = try await Fixture.make()
        defer { Task { await fixture.cleanUp() } }
        let store = InMemoryRuntimeStore()
        let service = try fixture.service(store: store, sessions: store)
        let id = try await service.createSession(CreateSessionRequest())
        do {
            _ = try await service.reconfigure(id, SessionLLMReconfigureRequest(model: "gpt-5.44"))
            Issue.record("an unknown model must be refused")
        } catch {
            #expect(error.description.contains("gpt-5.44") && error.description.contains("gpt-5.4"))
        }
        #expect(try await service.routingStatus(id).baselineModel == "claude-sonnet-4-6")
        await service.shutdown()
    }

    @Test func capabilitiesComeFromTheModelProfile() async throws {
        let fixture = try await Fixture.make()
        defer { Task { await fixture.cleanUp() } }
        let store = InMemoryRuntimeStore()
        let service = try fixture.service(store: store, sessions: store)
        let id = try await service.createSession(CreateSessionRequest())
        let surface = try #require(try await service.capabilities(id))
        let profile = try ProviderAgentFactory(
            config: fixture.config, projectRoot: fixture.project, environment: fixture.environment
        ).catalog.profile(for: "claude-sonnet-4-6")
        #expect(surface == ProviderAgentFactory.capabilities(profile))
        #expect(try await service.resolvedSessionLLMCapabilities(session: id) == surface)
        await service.shutdown()
    }

    /// A restart (a new service over the reopened SQLite realm) between the two turns of `turns{2}` keeps the count.
    @Test func restartBetweenSwitchedTurnsKeepsTheCount() async throws {
        let fixture = try await Fixture.make()
        defer { Task { await fixture.cleanUp() } }
        let state = fixture.project.appendingPathComponent("state")
        let realmID = try RealmID("routing")
        let first = try Realm.open(stateRoot: state, realmID: realmID, backend: .sqlite)
        let service = try fixture.service(store: first.runtimeStore, sessions: first.sessionStore)
        let id = try await service.createSession(CreateSessionRequest())
        _ = try await service.switchModel(id, model: "gpt-5.4", duration: .turns(2))
        let start = fixture.server.requests.count
        try await Self.turn(service, id, "before restart")
        await service.shutdown()

        let second = try Realm.open(stateRoot: state, realmID: realmID)
        let restarted = try fixture.service(store: second.runtimeStore, sessions: second.sessionStore)
        #expect(try await restarted.routingStatus(id).activeTurnOverride?.remainingTurns == 2)
        try await Self.turn(restarted, id, "after restart 1")
        try await Self.turn(restarted, id, "after restart 2")
        #expect(Self.models(fixture.server, from: start) == ["gpt-5.4", "gpt-5.4", "claude-sonnet-4-6"])
        await restarted.shutdown()
    }

    @Test func resumeWithAnotherModelIsAValidatedReconfiguration() async throws {
        let fixture = try await Fixture.make()
        defer { Task { await fixture.cleanUp() } }
        let store = InMemoryRuntimeStore()
        let service = try fixture.service(store: store, sessions: store)
        let id = try await service.createSession(CreateSessionRequest())
        try await Self.turn(service, id, "hello")
        let report = try await service.reconfigure(id, SessionLLMReconfigureRequest(model: "gemini-3.5-flash"))
        #expect(report.newIdentity.provider == "gemini")
        // The session is persisted with its new identity: a fresh service over the same store uses it.
        await service.shutdown()
        let again = try fixture.service(store: store, sessions: store)
        let start = fixture.server.requests.count
        try await Self.turn(again, id, "after resume")
        #expect(Self.models(fixture.server, from: start) == ["gemini-3.5-flash"])
        #expect(try await again.loadSession(id)?.metadata[SessionSummary.modelKey]?.stringValue == "gemini-3.5-flash")
        await again.shutdown()
    }
}
