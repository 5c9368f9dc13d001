import Foundation
import MeerkatCore
import MeerkatTesting
import Synchronization
import Testing

/// Builds an agent over a fresh session with a scripted client.
func makeAgent(
    _ client: ScriptedLLMClient, tools: [any Tool] = [], clock: any MeerkatClock = ManualClock(),
    configure: (inout AgentConfig) -> Void = { _ in }
) -> Agent {
    var config = AgentConfig(model: "scripted-model")
    config.retry.jitter = 0
    configure(&config)
    return Agent(
        session: Session(), client: client, tools: ToolDispatcher(tools), config: config, clock: clock, jitter: { 0 })
}

/// Subscribes now; `collect()` ends the bus and returns everything published since.
struct EventRecorder {
    let bus: EventBus
    let stream: AsyncStream<EventEnvelope>

    init(_ agent: Agent) {
        bus = agent.events
        stream = agent.events.subscribe()
    }

    func collect() async -> [AgentEvent] {
        bus.finish()
        var out: [AgentEvent] = []
        for await envelope in stream { out.append(envelope.payload) }
        return out
    }
}

extension [AgentEvent] {
    var types: [String] { map(\.type) }
}

/// A tool result list from the transcript (all tool_results rows flattened).
func toolResults(_ session: Session) -> [ToolResult] {
    session.messages.flatMap { message -> [ToolResult] in
        if case .toolResults(let results, _) = message { return results }
        return []
    }
}

/// Records values from concurrent tasks.
final class Box<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>
    init(_ value: Value) { storage = Mutex(value) }
    var value: Value { storage.withLock { $0 } }
    func update(_ body: (inout Value) -> Void) { storage.withLock { body(&$0) } }
}

let echoTool = ClosureTool(
    name: "echo", inputSchema: ["type": "object", "properties": ["text": ["type": "string"]], "required": ["text"]]
) { args, _ in
    .text("echo: \(args["text"]?.stringValue ?? "")")
}
