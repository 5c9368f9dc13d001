import Foundation
import MeerkatCore
import MeerkatProviders
import MeerkatTesting
import Testing

@Suite struct AnthropicClientTests {
    private func client(_ server: MockProviderServer, transport: HTTPTransport = TestTransports.standard)
        -> AnthropicClient
    {
        AnthropicClient(apiKey: APIKey("test-key"), baseURL: server.baseURL, environment: [:], transport: transport)
    }

    private func request(_ messages: [Message], tools: [ToolDefinition] = []) -> LLMRequest {
        LLMRequest(model: "claude-sonnet-4-5", messages: messages, tools: tools, maxTokens: 1024)
    }

    @Test func streamsPlainTextWithUsageAndEndTurn() async throws {
        try await withMockServer { server in
            server.enqueue(
                .turn(.text("Hello there, friend.", usage: .init(input: 12, output: 6, cacheRead: 3, cacheWrite: 4))))
            let events = await collect(
                client(server).stream(request([Fixtures.system("Be terse."), Fixtures.user("Hi")])))
            #expect(events.text == "Hello there, friend.")
            #expect(events.outcome == .success(.endTurn))
            #expect(events.doneCount == 1)
            #expect(
                events.lastUsage == Usage(inputTokens: 12, outputTokens: 6, cacheCreationTokens: 4, cacheReadTokens: 3))
            #expect(events.hasLiveness)  // the ping event

            let sent = try #require(server.requests.first)
            #expect(sent.path == "/v1/messages")
            #expect(sent.header("x-api-key") == "test-key")
            #expect(sent.header("anthropic-version") == "2023-06-01")
            let body = try #require(sent.json)
            #expect(body["system"] == [["type": "text", "text": "Be terse."]])
            #expect(body["messages"] == [["role": "user", "content": [["type": "text", "text": "Hi"]]]])
            #expect(body["max_tokens"] == 1024)
            #expect(body["stream"] == true)
        }
    }
}
