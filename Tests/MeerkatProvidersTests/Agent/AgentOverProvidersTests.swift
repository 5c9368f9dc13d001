import Foundation
import MeerkatCore
import MeerkatProviders
import MeerkatTesting
import MeerkatTools
import Testing

/// The agent loop running multi-turn tool conversations through each real client against the mock server.
@Suite("Agent over real provider clients")
struct AgentOverProvidersTests {
    enum Dialect: String, CaseIterable, Sendable {
        case anthropic, responses, chat, gemini
    }

    private func client(_ dialect: Dialect, _ server: MockProviderServer) -> any LLMClient {
        switch dialect {
        case .anthropic: AnthropicClient(apiKey: APIKey("test-key"), baseURL: server.baseURL, environment: [:])
        case .responses: OpenAIResponsesClient(apiKey: APIKey("test-key"), baseURL: server.baseURL, environment: [:])
        case .chat: ChatCompletionsClient(apiKey: APIKey("test-key"), baseURL: server.baseURL, environment: [:])
        case .gemini: GeminiClient(apiKey: APIKey("test-key"), baseURL: server.baseURL, environment: [:])
        }
    }

    private func model(_ dialect: Dialect) -> String {
        switch dialect {
        case .anthropic: "claude-opus-5"
        case .responses, .chat: "gpt-5.4"
        case .gemini: "gemini-3.5-flash"
        }
    }

    @Test(arguments: Dialect.allCases)
    func multiTurnToolConversation(_ dialect: Dialect) async throws {
        let server = MockProviderServer()
        try await server.start()
        defer { Task { await server.stop() } }
        let lookup = ClosureTool(
            name: "lookup",
            inputSchema: ["type": "object", "properties": ["key": ["type": "string"]], "required": ["key"]]
        ) { args, _ in
            .text("value-of-\(args["key"]?.stringValue ?? "?")")
        }
        let agent = Agent(
            session: Session(messages: [.system(content: "be brief", createdAt: Date())]),
            client: client(dialect, server),
            tools: ToolDispatcher([lookup]), config: AgentConfig(model: model(dialect)))
        let first = try await agent.run(.text(#"find a: call tool lookup {"key": "a"}"#))
        #expect(first.text == "tool results: value-of-a", "\(dialect)")
        let second = try await agent.run(.text(#"and b: call tool lookup {"key": "b"} call tool lookup {"key": "c"}"#))
        #expect(second.text == "tool results: value-of-b; value-of-c", "\(dialect)")
        #expect(second.turns == 2 && second.toolCalls == 2)
        let session = await agent.session
        #expect(session.unansweredToolUseIDs.isEmpty)
        #expect(
            session.messages.map(\.role) == [
                "system", "user", "block_assistant", "tool_results", "block_assistant",
                "user", "block_assistant", "tool_results", "block_assistant",
            ])
        // Four model calls, each a valid request for the dialect (the mock validates tool results answer calls).
        #expect(server.requests.count == 4)
        #expect(session.usage.outputTokens > 0)
    }

    @Test func fileTaskReadsEditsAndRunsAShellCommand() async throws {
        let server = MockProviderServer()
        try await server.start()
        defer { Task { await server.stop() } }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "agent-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "version = 1\nname = demo\n".write(
            to: directory.appendingPathComponent("app.conf"), atomically: true, encoding: .utf8)
        server.enqueue(
            .turn(MockTurn([.toolCall(id: "c1", name: "read_file", arguments: #"{"path": "app.conf"}"#)])),
            .turn(
                MockTurn([
                    .text("Bumping the version."),
                    .toolCall(
                        id: "c2", name: "edit_file",
                        arguments: #"{"path": "app.conf", "old_string": "version = 1", "new_string": "version = 2"}"#),
                ])),
            .turn(
                MockTurn([
                    .toolCall(
                        id: "c3", name: "shell", arguments: #"{"command": "grep version app.conf > version.txt"}"#)
                ])),
            .text("Done: version is 2."))
        let tools = BuiltinTools(root: try ProjectRoot(directory.path)).dispatcher(preset: .workspace)
        let agent = Agent(
            session: Session(),
            client: OpenAIResponsesClient(apiKey: APIKey("k"), baseURL: server.baseURL, environment: [:]),
            tools: tools, config: AgentConfig(model: "gpt-5.4"))
        let result = try await agent.run(.text("Bump the version in app.conf and record it"))
        #expect(result.text == "Done: version is 2.")
        #expect(result.toolCalls == 3 && result.turns == 4)
        let config = try String(contentsOf: directory.appendingPathComponent("app.conf"), encoding: .utf8)
        #expect(config == "version = 2\nname = demo\n")
        let recorded = try String(contentsOf: directory.appendingPathComponent("version.txt"), encoding: .utf8)
        #expect(recorded == "version = 2\n")
        let results = await agent.session.messages.flatMap { message -> [ToolResult] in
            if case .toolResults(let results, _) = message { return results }
            return []
        }
        #expect(results.map(\.isError) == [false, false, false])
        #expect(results[0].text.contains("version = 1"))
    }
}
