import Foundation
import MeerkatCore
import MeerkatRuntime
import MeerkatService
import MeerkatTesting
import Testing

/// End to end (issue 15): the runtime-backed service over the real OpenAI-compatible client and the mock provider
/// with a 4,000-token window. A 2,000-turn session with tool calls every few turns must compact again and again,
/// never send a request over the window, never send an orphaned tool_use or tool_result, and keep its history
/// readable from the first turn.
@Suite("Long-session compaction")
struct LongSessionCompactionTests {
    static let window = 4000
    static let maxOutput = 200

    @Test func twoThousandTurnsStayInsideAFourThousandTokenWindow() async throws {
        let server = MockProviderServer(
            configuration: .init(requireAuth: false, contextWindowTokens: Self.window))
        try await server.start()
        defer { Task { await server.stop() } }
        let project = FileManager.default.temporaryDirectory.appendingPathComponent("compaction-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: project) }
        try String(repeating: "notes line\n", count: 40).write(
            to: project.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)

        let config = try MeerkatConfig(
            tree: [
                "agent": [
                    "model": "tiny", "system_prompt": "You are a terse test agent.",
                    "max_tokens_per_turn": .number(Double(Self.maxOutput)), "max_turns": 10,
                ],
                "self_hosted": [
                    "servers": ["mock": ["base_url": .string(server.baseURL + "/v1")]],
                    "models": [
                        "tiny": [
                            "server": "mock", "remote_model": "tiny-4k",
                            "context_window": .number(Double(Self.window)), "max_output_tokens": 512,
                        ]
                    ],
                ],
                "compaction": ["recent_turn_budget": 3, "max_summary_tokens": 300, "min_turns_between_compactions": 3],
                "tools": ["preset": "safe", "allow": ["read_file", "datetime"]],
            ], source: "test")
        let factory = try ProviderAgentFactory(config: config, projectRoot: project, environment: [:])
        let store = InMemoryRuntimeStore()
        let service = SessionService(
            store: store, sessions: store, factory: factory, config: config,
            prompts: SystemPromptAssembler(projectRoot: nil, homeDirectory: nil))
        let id = try await service.createSession(CreateSessionRequest())
        let failures = Box<[String]>([])
        let events = try await service.events(id)
        let watcher = Task {
            for await envelope in events {
                if case .compactionFailed(let reason) = envelope.payload { failures.update { $0.append(reason) } }
            }
        }
        defer { watcher.cancel() }

        let turns = 2000
        for turn in 0..<turns {
            let prompt: String
            switch turn % 5 {
            case 1: prompt = #"turn \#(turn): call tool read_file {"path": "notes.txt"}"#
            case 3: prompt = #"turn \#(turn): call tool datetime {} call tool read_file {"path": "notes.txt"}"#
            default: prompt = "turn \(turn): " + String(repeating: "words ", count: 20 + turn % 30)
            }
            let (_, handle) = try await service.startTurn(id, prompt: .text(prompt))
            let outcome = try #require(try await handle?.wait())
            guard case .completed = outcome else {
                Issue.record("turn \(turn) did not complete: \(outcome); compaction failures: \(failures.value)")
                return
            }
        }

        let requests = server.requests
        var largest = 0
        var summaryCalls = 0
        for (number, request) in requests.enumerated() {
            let tokens = server.configuration.tokens(ofBody: request.body)
            largest = max(largest, tokens)
            #expect(tokens + Self.maxOutput <= Self.window, "request \(number) has \(tokens) tokens")
            let problems = Self.pairingProblems(request.json)
            #expect(problems.isEmpty, "request \(number): \(problems)")
            if request.json?["tools"] == nil { summaryCalls += 1 }
        }
        #expect(summaryCalls >= 50, "compactions: \(summaryCalls)")

        let session = try #require(try await service.loadSession(id))
        let prompts = session.messages.compactMap { message -> String? in
            if case .user(let content, .conversational, _) = message { return content.first?.textProjection }
            return nil
        }
        #expect(prompts.count == turns)
        #expect(prompts.first?.hasPrefix("turn 0:") == true && prompts.last?.hasPrefix("turn 1999:") == true)
        let first = try await service.history(id, offset: 0, limit: 3)
        #expect(first.messages.map(\.role) == ["system", "user", "block_assistant"])
        #expect(session.unansweredToolUseIDs.isEmpty)
        #expect(session.contextMessages.count < 60)
        #expect(failures.value.isEmpty)
        print(
            "long-session compaction: \(turns) turns, \(requests.count) requests, \(summaryCalls) summary calls, "
                + "largest request \(largest) tokens of \(Self.window), \(session.messages.count) history rows, "
                + "\(session.contextMessages.count) in context")
    }

    /// Orphans in a Chat Completions request: a `tool` message without a preceding call, or a call never answered.
    static func pairingProblems(_ json: JSONValue?) -> [String] {
        guard let messages = json?["messages"]?.arrayValue else { return ["no messages"] }
        var open: Set<String> = []
        var problems: [String] = []
        for message in messages {
            switch message["role"]?.stringValue {
            case "assistant":
                if !open.isEmpty { problems.append("calls \(open.sorted()) unanswered before the next assistant") }
                open = Set((message["tool_calls"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue })
            case "tool":
                guard let id = message["tool_call_id"]?.stringValue, open.remove(id) != nil else {
                    problems.append("orphan tool result \(message["tool_call_id"]?.stringValue ?? "?")")
                    continue
                }
            default:
                if !open.isEmpty {
                    problems.append(
                        "calls \(open.sorted()) unanswered before a \(message["role"]?.stringValue ?? "?") row")
                }
                open = []
            }
        }
        if !open.isEmpty { problems.append("calls \(open.sorted()) unanswered at the end") }
        return problems
    }
}
