import Foundation
import MeerkatCore
import MeerkatProviders
import MeerkatRuntime
import MeerkatSQLite
import MeerkatService
import MeerkatTesting
import Testing

/// A session whose scripted model calls `generate_image`: the agent runs the tool against the mock provider's image
/// endpoint through a routing double, and the image ends up in the session's history.
@Suite struct GenerateImageEndToEndTests {
    /// Builds agents whose only tool is `generate_image`; the model first calls it, then answers.
    final class ImageAgentFactory: AgentFactory {
        let tool: GenerateImageTool

        init(tool: GenerateImageTool) { self.tool = tool }

        func makeAgent(for session: Session, intent: SessionIntent, config: MeerkatConfig) async throws(ServiceError)
            -> Agent
        {
            let client = ScriptedLLMClient { _, index in
                index == 0
                    ? .toolCalls([ScriptedToolCall(id: "call_img", name: "generate_image", args: ["prompt": "a fox"])])
                    : .text("Here is your fox.")
            }
            let agentConfig = try intent.agentConfig(model: "scripted", maxOutputTokens: nil, config: config)
            return Agent(session: session, client: client, tools: ToolDispatcher([tool]), config: agentConfig)
        }
    }

    private func run(sessions: any SessionStore, runtime: any RuntimeStore, store: any GeneratedImageStore)
        async throws -> (history: [Message], routing: RecordingImageRouting, server: MockProviderServer)
    {
        let server = MockProviderServer(configuration: .init(apiKey: "test-key"))
        try await server.start()
        let routing = RecordingImageRouting()
        let tool = GenerateImageTool(
            routing: routing,
            clients: ImageGenerationClientFactory(
                environment: ["OPENAI_API_KEY": "test-key", "OPENAI_BASE_URL": server.baseURL]),
            store: store)
        let service = SessionService(
            store: runtime, sessions: sessions, factory: ImageAgentFactory(tool: tool), config: MeerkatConfig(),
            prompts: SystemPromptAssembler(projectRoot: nil, homeDirectory: nil))
        let id = try await service.createSession(CreateSessionRequest())
        let (_, handle) = try await service.startTurn(id, prompt: .text("draw me a fox"))
        guard case .completed(let result) = try await handle?.wait() else { throw TestFailure("turn did not complete") }
        #expect(result.text == "Here is your fox.")
        let history = try await service.history(id).messages
        await service.shutdown()
        await server.stop()
        return (history, routing, server)
    }

    private func toolImages(_ history: [Message]) -> [ContentBlock] {
        history.flatMap { message -> [ContentBlock] in
            guard case .toolResults(let results, _) = message else { return [] }
            return results.flatMap(\.content).filter { if case .image = $0 { true } else { false } }
        }
    }

    @Test func inMemoryRealmKeepsTheImageInHistory() async throws {
        let store = InMemoryRuntimeStore()
        let images = InMemoryImageStore()
        let (history, routing, server) = try await run(sessions: store, runtime: store, store: images)
        #expect(
            toolImages(history) == [
                .image(mediaType: "image/png", source: .inline(data: GenerateImageToolTests.png.base64EncodedString()))
            ])
        #expect(await images.count == 1)
        #expect(await routing.sequence.suffix(3) == ["classify(generated)", "complete(generated)", "restore"])
        #expect(server.requests.compactMap(\.imageModel) == ["gpt-image-1"])
    }

    @Test func sqliteRealmStoresTheImageAsABlobReferencedFromHistory() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gen-image-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let realm = try Realm.open(stateRoot: folder, realmID: try RealmID("images"))
        defer { try? realm.close() }
        let (history, _, _) = try await run(
            sessions: realm.sessionStore, runtime: realm.runtimeStore, store: BlobImageStore(blobs: realm.blobs))
        let blobID = BlobStore.id(for: GenerateImageToolTests.png)
        #expect(toolImages(history) == [.image(mediaType: "image/png", source: .blob(blobID: blobID))])
        #expect(try realm.blobs.get(blobID) == GenerateImageToolTests.png)
    }

    /// The tool driven through the session service's own §14 protocol (the wiring `ServiceEnvironment` uses): the
    /// operation runs under a scoped override that is gone when the turn ends, and the epoch moved twice for it.
    @Test func theSessionServiceRoutesTheOperationAndRestoresTheOverride() async throws {
        let server = MockProviderServer(configuration: .init(apiKey: "test-key"))
        try await server.start()
        let (service, id) = try await routedSession(server) { $0 }
        let before = try await service.sessionModelRoutingStatus(session: id)
        let (_, handle) = try await service.startTurn(id, prompt: .text("draw me a fox"))
        guard case .completed = try await handle?.wait() else { throw TestFailure("turn did not complete") }
        let after = try await service.sessionModelRoutingStatus(session: id)
        #expect(after.activeOperationOverride == nil)
        #expect(after.effectiveModel == "gpt-5.6-sol")
        #expect(after.topologyEpoch == before.topologyEpoch + 2)  // activate, then restore
        #expect(toolImages(try await service.history(id).messages).count == 1)
        #expect(server.requests.compactMap(\.imageModel) == ["gpt-image-1"])
        await service.shutdown()
        await server.stop()
    }

    /// A session service on an in-memory store whose `generate_image` drives the service's own §14 protocol through
    /// `routing` (the service itself, or a forwarder to it), with a known routing baseline; returns a new session.
    private func routedSession(
        _ server: MockProviderServer, routing: (SessionService) -> any ImageOperationRouting
    ) async throws -> (SessionService, SessionID) {
        let store = InMemoryRuntimeStore()
        let slot = ImageRoutingSlot()
        let tool = GenerateImageTool(
            routing: slot,
            clients: ImageGenerationClientFactory(
                environment: ["OPENAI_API_KEY": "test-key", "OPENAI_BASE_URL": server.baseURL]),
            store: InMemoryImageStore())
        let service = SessionService(
            store: store, sessions: store, factory: ImageAgentFactory(tool: tool), config: MeerkatConfig(),
            prompts: SystemPromptAssembler(projectRoot: nil, homeDirectory: nil))
        slot.connect(routing(service))
        let id = try await service.createSession(CreateSessionRequest())
        try await service.configureModelRoutingBaseline(
            session: id, baselineModel: "gpt-5.6-sol", realtimeCapable: false)
        return (service, id)
    }

    /// Forwards to the session service and remembers the terminal each operation completed with.
    actor TerminalRecorder: ImageOperationRouting {
        let service: SessionService
        var terminals: [ImageOperationTerminalClass] = []
        init(_ service: SessionService) { self.service = service }

        func sessionModelRoutingStatus(session: SessionID) async throws(RuntimeDriverError)
            -> SessionModelRoutingStatus
        { try await service.sessionModelRoutingStatus(session: session) }
        func denyImageOperationPlan(
            session: SessionID, operation: ImageOperationID, reason: ImageOperationDenialReason
        ) async throws(RuntimeDriverError) -> ImageOperationPhase {
            try await service.denyImageOperationPlan(session: session, operation: operation, reason: reason)
        }
        func beginImageOperation(session: SessionID, _ request: ImageOperationRoutingRequest)
            async throws(RuntimeDriverError) -> ImageOperationRoutingResult
        { try await service.beginImageOperation(session: session, request) }
        func activateImageOperationOverride(session: SessionID, operation: ImageOperationID)
            async throws(RuntimeDriverError) -> ImageOperationPhase
        { try await service.activateImageOperationOverride(session: session, operation: operation) }
        func classifyImageOperationTerminal(
            session: SessionID, operation: ImageOperationID, observation: ImageProviderTerminalObservation,
            providerText: String?
        ) async throws(RuntimeDriverError) -> ImageOperationTerminalClass {
            try await service.classifyImageOperationTerminal(
                session: session, operation: operation, observation: observation, providerText: providerText)
        }
        func completeImageOperation(
            session: SessionID, operation: ImageOperationID, terminal: ImageOperationTerminalClass
        ) async throws(RuntimeDriverError) -> ImageOperationPhase {
            terminals.append(terminal)
            return try await service.completeImageOperation(session: session, operation: operation, terminal: terminal)
        }
        func restoreImageOperationOverride(session: SessionID, operation: ImageOperationID)
            async throws(RuntimeDriverError) -> ImageOperationPhase
        { try await service.restoreImageOperationOverride(session: session, operation: operation) }
    }

    /// A refused, a safety-filtered and a timed-out image, each through the real session service: classified as
    /// §14 says, and the override restored every time.
    @Test(arguments: [
        (MockImageBehaviour.refusal, ImageOperationTerminalClass.refusedByProvider),
        (.safetyFilter, .safetyFiltered),
        (.timeout(status: 504), .timeout),
    ])
    func failedImagesAreClassifiedAndTheOverrideIsRestored(
        behaviour: MockImageBehaviour, expected: ImageOperationTerminalClass
    ) async throws {
        let server = MockProviderServer(configuration: .init(apiKey: "test-key"))
        try await server.start()
        server.enqueueImages(behaviour)
        var recorder: TerminalRecorder?
        let (service, id) = try await routedSession(server) { service in
            let made = TerminalRecorder(service)
            recorder = made
            return made
        }
        let terminals = try #require(recorder)
        let (_, handle) = try await service.startTurn(id, prompt: .text("draw me a fox"))
        guard case .completed = try await handle?.wait() else { throw TestFailure("turn did not complete") }
        #expect(await terminals.terminals == [expected])
        let status = try await service.sessionModelRoutingStatus(session: id)
        #expect(status.activeOperationOverride == nil && status.effectiveModel == "gpt-5.6-sol")
        #expect(toolImages(try await service.history(id).messages).isEmpty)
        await service.shutdown()
        await server.stop()
    }
}
