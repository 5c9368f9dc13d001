import Foundation
import MeerkatCore
import MeerkatProviders
import MeerkatTesting

/// The four wire clients, for tests that run against every dialect.
enum ProviderUnderTest: String, CaseIterable, CustomStringConvertible, Sendable {
    case anthropic, responses, chat, gemini

    var description: String { rawValue }

    var model: String {
        switch self {
        case .anthropic: "claude-sonnet-4-5"
        case .responses, .chat: "gpt-5.4"
        case .gemini: "gemini-3.5-flash"
        }
    }

    func client(
        _ server: MockProviderServer, transport: HTTPTransport = TestTransports.standard,
        timeouts: StreamTimeouts = StreamTimeouts(callTimeout: .seconds(20))
    ) -> any LLMClient {
        let key = APIKey("test-key")
        switch self {
        case .anthropic:
            return AnthropicClient(
                apiKey: key, baseURL: server.baseURL, environment: [:], transport: transport, timeouts: timeouts)
        case .responses:
            return OpenAIResponsesClient(
                apiKey: key, baseURL: server.baseURL, environment: [:], transport: transport, timeouts: timeouts)
        case .chat:
            return ChatCompletionsClient(
                apiKey: key, baseURL: server.baseURL, environment: [:], transport: transport, timeouts: timeouts)
        case .gemini:
            return GeminiClient(
                apiKey: key, baseURL: server.baseURL, environment: [:], transport: transport, timeouts: timeouts)
        }
    }

    func request(_ messages: [Message], tools: [ToolDefinition] = [], outputFormat: OutputFormat? = nil) -> LLMRequest {
        LLMRequest(model: model, messages: messages, tools: tools, maxTokens: 1024, outputFormat: outputFormat)
    }
}

/// Builds the assistant row an agent would store from a stream (text merged, blocks in arrival order).
func assembleAssistant(_ events: [LLMEvent], stopReason: StopReason = .toolUse) -> Message {
    var blocks: [AssistantBlock] = []
    for event in events {
        switch event {
        case .textDelta(let text, let meta):
            if case .text(let existing, let existingMeta)? = blocks.last {
                blocks[blocks.count - 1] = .text(text: existing + text, meta: meta ?? existingMeta)
            } else {
                blocks.append(.text(text: text, meta: meta))
            }
        case .reasoningComplete(let text, let meta):
            blocks.append(.reasoning(text: text, meta: meta))
        case .toolCallComplete(let id, let name, let args, let meta):
            let parsed = (try? JSONValue.parse(args)) ?? .object([:])
            blocks.append(.toolUse(ToolCall(id: id, name: name, args: parsed, meta: meta)))
        default:
            break
        }
    }
    return .assistant(blocks: blocks, stopReason: stopReason, createdAt: Fixtures.date)
}

/// Tool results answering every call of `assistant`: the first succeeds, the rest fail.
func answer(_ assistant: Message) -> Message {
    let results = assistant.toolCalls.enumerated().map { index, call in
        index == 0
            ? ToolResult(toolUseID: call.id, text: "18C sunny")
            : ToolResult(toolUseID: call.id, text: "city not found", isError: true)
    }
    return .toolResults(results: results, createdAt: Fixtures.date)
}
