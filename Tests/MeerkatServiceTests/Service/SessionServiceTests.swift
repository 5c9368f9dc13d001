import Foundation
import MeerkatCore
import MeerkatRuntime
import MeerkatService
import MeerkatTesting
import Synchronization
import Testing

/// Builds agents over one scripted client per session; records the intents it saw.
final class ScriptedAgentFactory: AgentFactory {
    let replies: @Sendable (LLMRequest, Int) -> ScriptedReply
    let clients = Box<[SessionID: ScriptedLLMClient]>([:])

    init(replies: @escaping @Sendable (LLMRequest, Int) -> ScriptedReply) { self.replies = replies }

    func makeAgent(for session: Session, intent: SessionIntent, config: MeerkatConfig) async throws(ServiceError)
        -> Agent
    {
        if intent.model == "no-such-model" { throw .unknownModel("no-such-model") }
        let client = ScriptedLLMClient(responder: replies)
        clients.update { $0[session.id] = client }
        let agentConfig = try intent.agentConfig(
            model: intent.model ?? "scripted", maxOutputTokens: nil, config: config)
        return Agent(session: session, client: client, config: agentConfig, clock: ManualClock())
    }
}

final class Box<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>
    init(_ value: Value) { storage = Mutex(value) }
    var value: Value { storage.withLock { $0 } }
    func update(_ body: (inout Value) -> Void) { storage.withLock { body(&$0) } }
}

@Suite("Session service")
struct SessionServiceTests {
    private func service(
        store: InMemoryRuntimeStore = InMemoryRuntimeStore(),
        replies: @escaping @Sendable (LLMRequest, Int) -> ScriptedReply = { request, _ in
            .text("echo: \(request.messages.last.map { $0.role == "user" ? "user" : "other" } ?? "")")
        }
    ) -> (SessionService, ScriptedAgentFactory) {
        let factory = ScriptedAgentFactory(replies: replies)
        let prompts = SystemPromptAssembler(projectRoot: nil, homeDirectory: nil)
        var config = MeerkatConfig()
        config.agent.systemPrompt = "be brief"
        return (
            SessionService(store: store, sessions: store, factory: factory, config: config, prompts: prompts), factory
        )
    }

    @Test func createRunAndReadHistory() async throws {
        let (service, _) = service()
        let id = try await service.createSession(CreateSessionRequest(intent: SessionIntent(labels: ["team": "core"])))
        let (outcome, handle) = try await service.startTurn(id, prompt: .text("hello"))
        #expect(outcome.isAccepted)
        guard case .completed(let result) = try await handle?.wait() else {
            Issue.record("turn completes")
            return
        }
        #expect(result.text == "echo: user")
        let page = try await service.history(id)
        #expect(page.messages.map(\.role) == ["system", "user", "block_assistant"])
        #expect(page.total == 3 && !page.hasMore)
        let paged = try await service.history(id, offset: 1, limit: 1)
        #expect(paged.messages.map(\.role) == ["user"] && paged.hasMore)
        #expect(try await service.meta(id).labels == ["team": "core"])
    }

    @Test func secondTurnWhileOneRunsIsQueuedNotRefused() async throws {
        let gate = ScriptedGate()
        let (service, _) = service(replies: { _, index in index == 0 ? .gated(gate, .text("first")) : .text("second") })
        let id = try await service.createSession(CreateSessionRequest())
        let (_, first) = try await service.startTurn(id, prompt: .text("one"))
        let (second, secondHandle) = try await service.startTurn(id, prompt: .text("two"))
        #expect(second.isAccepted)
        #expect(try await service.inputStatus(id, input: second.inputID!)?.phase == .queued)
        gate.open()
        guard case .completed(let a) = try await first?.wait(), case .completed(let b) = try await secondHandle?.wait()
        else {
            Issue.record("both complete")
            return
        }
        #expect(a.text == "first" && b.text == "second")
    }

    @Test func resumeByIdPrefixAndLastAndTypedErrors() async throws {
        let (service, _) = service()
        let first = try await service.createSession(CreateSessionRequest())
        let second = try await service.createSession(CreateSessionRequest())
        #expect(try await service.resolve(.id(first)) == first)
        #expect(try await service.resolve(SessionSelector(String(second.description.prefix(30)))) == second)
        _ = try await service.startTurn(first, prompt: .text("touch")).1?.wait()
        #expect(try await service.resolve(.last) == first)
        await #expect(throws: ServiceError.sessionNotFound("ffffffff")) {
            _ = try await service.resolve(.prefix("ffffffff"))
        }
        let unknown = SessionID()
        await #expect(throws: ServiceError.sessionNotFound(unknown.description)) {
            _ = try await service.resume(.id(unknown))
        }
        // Both ids share the v7 time prefix "0".
        await #expect {
            _ = try await service.resolve(.prefix("0"))
        } throws: { error in
            if case .ambiguousSessionPrefix = error as? ServiceError { return true }
            return false
        }
    }

    @Test func restartedServiceResumesFromTheStore() async throws {
        let store = InMemoryRuntimeStore()
        let (first, _) = service(store: store)
        let id = try await first.createSession(CreateSessionRequest(intent: SessionIntent(model: "m-1")))
        _ = try await first.startTurn(id, prompt: .text("remember")).1?.wait()
        await first.shutdown()
        let (second, factory) = service(store: store)
        #expect(try await second.resume(.last) == id)
        _ = try await second.startTurn(id, prompt: .text("again")).1?.wait()
        let request = try #require(factory.clients.value[id]?.requests.first)
        #expect(request.model == "m-1")  // intent re-resolved from the stored session
        #expect(request.messages.map(\.role) == ["system", "user", "block_assistant", "user"])
    }

    @Test func listFiltersArchiveAndDelete() async throws {
        let (service, _) = service()
        let a = try await service.createSession(CreateSessionRequest(intent: SessionIntent(labels: ["env": "prod"])))
        let b = try await service.createSession(CreateSessionRequest(intent: SessionIntent(labels: ["env": "dev"])))
        #expect(try await service.listSessions(SessionQuery(labels: ["env": "prod"])).map(\.id) == [a])
        try await service.archive(a)
        #expect(try await service.listSessions().map(\.id) == [b])
        try await service.delete(b)
        #expect(try await service.listSessions(SessionQuery(includeArchived: true)).map(\.id) == [a])
        await #expect(throws: ServiceError.sessionNotFound(b.description)) { try await service.delete(b) }
    }

    @Test func badIntentIsRefusedBeforeAnythingIsStored() async throws {
        let store = InMemoryRuntimeStore()
        let (service, _) = service(store: store)
        // The preset and provider are enums: over JSON an unknown name fails at the field, listing the cases.
        do {
            _ = try JSONDecoder().decode(SessionIntent.self, from: Data(#"{"tools": "all"}"#.utf8))
            Issue.record("an unknown preset decoded")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.codingPath.map(\.stringValue) == ["tools"])
            #expect(context.debugDescription == "unknown tools 'all' (none, safe, workspace, full)")
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(SessionIntent.self, from: Data(#"{"provider": "openia"}"#.utf8))
        }
        await #expect(throws: ServiceError.self) {
            _ = try await service.createSession(
                CreateSessionRequest(intent: SessionIntent(outputSchema: ["type": "array"])))
        }
        await #expect(throws: ServiceError.unknownModel("no-such-model")) {
            _ = try await service.createSession(CreateSessionRequest(intent: SessionIntent(model: "no-such-model")))
        }
        #expect(try await service.listSessions(SessionQuery(includeArchived: true)).isEmpty)
    }

    @Test func interruptCancelsTheRunningTurn() async throws {
        let (service, factory) = service(replies: { _, _ in .stall(after: [.textDelta("thinking")]) })
        let id = try await service.createSession(CreateSessionRequest())
        let (_, handle) = try await service.startTurn(id, prompt: .text("long"))
        await factory.clients.value[id]?.waitForRequests(1)
        #expect(try await service.interrupt(id) == .interrupted)
        #expect(try await handle?.wait() == .cancelled)
    }

    @Test func runtimeExtensionIsServedThroughTheService() async throws {
        let (service, _) = service()
        let id = try await service.createSession(CreateSessionRequest())
        #expect(service.runtimeMode == .v9Compliant)
        let outcome = try await service.acceptInput(.prompt(PromptInput(content: .text("via ext"))), session: id)
        #expect(outcome.isAccepted)
        await #expect(throws: RuntimeDriverError.self) {
            _ = try await service.reconfigureSessionLLMIdentity(session: id, SessionLLMReconfigureRequest(model: "x"))
        }
    }
}
