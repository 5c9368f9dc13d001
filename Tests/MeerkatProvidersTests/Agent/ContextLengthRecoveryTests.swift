import Foundation
import MeerkatCore
import MeerkatProviders
import MeerkatTesting
import Testing

/// Each provider's own context-length error (Anthropic `prompt is too long`, OpenAI `context_length_exceeded`,
/// Gemini's token-count `INVALID_ARGUMENT`) reaches the agent as `context_length_exceeded` and is recovered by one
/// compaction and one retry.
@Suite("Context-length recovery over real provider clients")
struct ContextLengthRecoveryTests {
    @Test(arguments: ProviderUnderTest.allCases)
    func contextLengthErrorIsRecoveredByOneCompactionAndOneRetry(_ provider: ProviderUnderTest) async throws {
        let server = MockProviderServer()
        try await server.start()
        defer { Task { await server.stop() } }
        var history: [Message] = [.system(content: "be brief", createdAt: Date())]
        for turn in 0..<6 {
            history.append(
                .user(
                    content: [.text("question \(turn) " + String(repeating: "x", count: 400))],
                    transcriptRole: .conversational, createdAt: Date()))
            history.append(
                .assistant(blocks: [.text(text: "answer \(turn)", meta: nil)], stopReason: .endTurn, createdAt: Date()))
        }
        let agent = Agent(
            session: Session(messages: history), client: provider.client(server),
            config: AgentConfig(model: provider.model))
        let recorder = agent.events.subscribe()
        server.enqueue(.error(.contextLengthExceeded), .text("SHORT SUMMARY"), .text("final answer"))
        let result = try await agent.run(.text("latest question"))
        #expect(result.text == "final answer", "\(provider)")
        agent.events.finish()
        var types: [String] = []
        for await envelope in recorder { types.append(envelope.payload.type) }
        #expect(types.filter { $0.hasPrefix("compaction_") } == ["compaction_started", "compaction_completed"])
        #expect(!types.contains("run_failed"))
        // The refused request, the summary call, and one retry that is smaller than the refused one.
        let requests = server.requests
        #expect(requests.count == 3, "\(provider)")
        if requests.count == 3 {
            #expect(requests[2].body.count < requests[0].body.count, "\(provider)")
            #expect(requests[2].bodyText.contains("SHORT SUMMARY"), "\(provider)")
        }
        let session = await agent.session
        #expect(session.messages.count == history.count + 3)
        #expect(session.contextMessages.count < history.count)
    }
}
