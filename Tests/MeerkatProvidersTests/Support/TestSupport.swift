import Foundation
import MeerkatCore
import MeerkatProviders
import MeerkatTesting
import Synchronization
import Testing

/// Transports shared by the tests (process lifetime, so never shut down).
enum TestTransports {
    /// Default settings.
    static let standard = HTTPTransport.shared
    /// A short read timeout, for stall tests.
    static let impatient = HTTPTransport(
        configuration: .init(connectTimeout: .seconds(2), readTimeout: .milliseconds(400)))
}

/// Runs `body` with a started mock server and stops it afterwards.
func withMockServer<T>(
    _ configuration: MockProviderServer.Configuration = .init(apiKey: "test-key"),
    _ body: (MockProviderServer) async throws -> T
) async throws -> T {
    let server = MockProviderServer(configuration: configuration)
    try await server.start()
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

/// Collects a stream to its end; records an issue (and returns what arrived) if it takes longer than `timeout`.
func collect(_ stream: AsyncStream<LLMEvent>, timeout: Duration = .seconds(10)) async -> [LLMEvent] {
    let events = EventBox()
    let finished = await withTaskGroup(of: Bool.self) { group in
        group.addTask {
            for await event in stream { events.append(event) }
            return true
        }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return false
        }
        let first = await group.next() ?? false
        group.cancelAll()
        return first
    }
    if !finished { Issue.record("stream did not finish within \(timeout)") }
    return events.all
}

/// Events gathered by a collecting task.
final class EventBox: Sendable {
    private let events = Mutex<[LLMEvent]>([])

    func append(_ event: LLMEvent) { events.withLock { $0.append(event) } }

    var all: [LLMEvent] { events.withLock { $0 } }
}

extension Array where Element == LLMEvent {
    /// The terminal outcome, if the stream had one.
    var outcome: LLMStreamOutcome? {
        for event in reversed() { if case .done(let outcome) = event { return outcome } }
        return nil
    }

    /// The failure, if the stream ended with one.
    var failure: LLMError? {
        if case .failure(let error)? = outcome { return error }
        return nil
    }

    /// All visible text.
    var text: String {
        compactMap { if case .textDelta(let text, _) = $0 { text } else { nil } }.joined()
    }

    /// Completed tool calls in order.
    var toolCalls: [(id: String, name: String, args: String, meta: ProviderMeta?)] {
        compactMap {
            if case .toolCallComplete(let id, let name, let args, let meta) = $0 { (id, name, args, meta) } else { nil }
        }
    }

    /// The parsed arguments of each completed tool call (nil when unparsable).
    var toolArgs: [JSONValue?] { toolCalls.map { try? JSONValue.parse($0.args) } }

    /// Completed reasoning blocks.
    var reasoning: [(text: String, meta: ProviderMeta?)] {
        compactMap { if case .reasoningComplete(let text, let meta) = $0 { (text, meta) } else { nil } }
    }

    /// The last usage update.
    var lastUsage: Usage? {
        for event in reversed() { if case .usage(let usage) = event { return usage } }
        return nil
    }

    /// Number of `.done` events (must be exactly one).
    var doneCount: Int { filter { if case .done = $0 { true } else { false } }.count }

    /// Whether any liveness event arrived.
    var hasLiveness: Bool { contains(.liveness) }
}

/// Fixtures shared by the provider tests.
enum Fixtures {
    static let date = Date(timeIntervalSince1970: 0)

    static let weatherTool = ToolDefinition(
        name: "get_weather", description: "Current weather",
        inputSchema: [
            "type": "object", "properties": ["city": ["type": "string"]], "required": ["city"],
        ])

    static func user(_ text: String) -> Message {
        .user(content: [.text(text)], transcriptRole: .conversational, createdAt: date)
    }

    static func system(_ text: String) -> Message {
        .system(content: text, createdAt: date)
    }

    /// The two parallel weather calls every dialect scripts.
    static let parallelCalls: MockTurn = MockTurn([
        .text("I'll check both."),
        .toolCall(id: "call_A", name: "get_weather", arguments: #"{"city": "Paris"}"#),
        .toolCall(id: "call_B", name: "get_weather", arguments: #"{"city": "Rome"}"#),
    ])

    /// The canonical transcript after the parallel calls ran (one failed).
    static func afterParallelCalls(callIDs: [String], prefix: [Message] = [], meta: [ProviderMeta?] = [nil, nil])
        -> [Message]
    {
        prefix + [
            user("Weather in Paris and Rome?"),
            .assistant(
                blocks: [
                    .text(text: "I'll check both.", meta: nil),
                    .toolUse(ToolCall(id: callIDs[0], name: "get_weather", args: ["city": "Paris"], meta: meta[0])),
                    .toolUse(ToolCall(id: callIDs[1], name: "get_weather", args: ["city": "Rome"], meta: meta[1])),
                ], stopReason: .toolUse, createdAt: date),
            .toolResults(
                results: [
                    ToolResult(toolUseID: callIDs[0], text: "18C sunny"),
                    ToolResult(toolUseID: callIDs[1], text: "city not found", isError: true),
                ], createdAt: date),
        ]
    }
}
