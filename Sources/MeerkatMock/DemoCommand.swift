import ArgumentParser
import Foundation
import MeerkatService
import MeerkatTesting

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Show the runtime at work against a local mock model (no API key, no network).")

    @Flag(help: "Keep the demo's temporary realm and print its path.") var keep = false

    func run() async throws {
        say(
            """
            Meerkat demo: the real stack (SQLite realm, runtime control plane, agent loop, tools, streaming HTTP
            client) talking to a LOCAL MOCK MODEL started inside this process. No API key and no network are used;
            the mock's answers are canned ("echo: ...", "tool results: ..."), the runtime behaviour is real.

            """)
        let mock = MockProviderServer(
            configuration: MockProviderServer.Configuration(requireAuth: false, ruleMode: true))
        let port: Int
        do {
            port = try await mock.start()
        } catch {
            throw MockFailure("cannot start the mock model: \(error)")
        }
        let workspace = FileManager.default.temporaryDirectory.appendingPathComponent(
            "skat-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(
            at: workspace.appendingPathComponent(".skat"), withIntermediateDirectories: true)
        try "# Demo project\nA file for the agent to find.\n".write(
            to: workspace.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let overrides: [String: JSONValue] = [
            "agent": ["model": "mock-model", "system_prompt": "You are a demo agent."],
            "self_hosted": [
                "servers": ["mock": ["base_url": .string("http://127.0.0.1:\(port)/v1")]],
                "models": ["mock-model": ["server": "mock", "remote_model": "mock-model", "context_window": 32000]],
            ],
            "tools": ["preset": "workspace"],
        ]
        let options = ServiceEnvironmentOptions(
            backend: .sqlite, currentDirectory: workspace, userConfig: .none, environment: [:], overrides: overrides)
        let environment: ServiceEnvironment
        do {
            environment = try await ServiceEnvironment.open(options)
        } catch {
            await mock.stop()
            throw MockFailure(error.description)
        }
        do {
            try await scenario(environment, mock: mock)
        } catch {
            await environment.close()
            await mock.stop()
            throw error
        }
        await environment.close()
        await mock.stop()
        if keep {
            say("\nThe demo realm is kept in \(workspace.path)/.skat/realms")
        } else {
            try? FileManager.default.removeItem(at: workspace)
        }
        say(
            """

            That was a local mock model. To use a real one:
              export ANTHROPIC_API_KEY=...   (or OPENAI_API_KEY, GEMINI_API_KEY)
              swift run skat run "Summarise the README in this folder" -t safe
            Any OpenAI-compatible server works too: OPENAI_BASE_URL=http://host:port/v1, or a [self_hosted] entry.
            """)
    }

    private func scenario(_ environment: ServiceEnvironment, mock: MockProviderServer) async throws {
        let service = environment.service
        let session = try await service.createSession(
            CreateSessionRequest(intent: SessionIntent(labels: ["demo": "yes"])))
        say("Realm: \(environment.realmDirectory.path)\nSession: \(session)\n")
        let log = try await eventLog(service, session)

        heading("1. A prompt that makes the model call a tool")
        let first = try await turn(service, session, #"What is in this folder? call tool list_dir {"path": "."}"#)
        try await finish(service, session, first, label: "prompt 1")

        heading("2. A second prompt sent while the first is still running is queued, not refused")
        var slow = MockStreamOptions()
        slow.chunkDelay = .milliseconds(350)
        mock.enqueue(.text("I am answering the first question slowly, piece by piece.", slow))
        let before = mock.requests.count
        let a = try await turn(service, session, "First question (the model is slow)")
        _ = await mock.waitForRequests(before + 1, timeout: .seconds(10))
        let b = try await turn(service, session, "Second question")
        if let row = try await service.inputStatus(session, input: b) {
            say("   prompt 2 is \(row.phase.rawValue) while prompt 1 runs")
        }
        try await finish(service, session, a, label: "prompt 1")
        try await finish(service, session, b, label: "prompt 2")

        heading("3. A steer delivered into the running turn at its next boundary")
        let toolStarted = try await firstEvent(service, session) {
            if case .toolExecutionStarted = $0 { true } else { false }
        }
        let c = try await turn(
            service, session, #"Wait for the build. call tool wait {"seconds": 20, "reason": "build"}"#)
        await toolStarted.value
        let (steerOutcome, _) = try await service.startTurn(
            session, prompt: .text("Steer: the deploy target changed to staging."), handling: .steer)
        say("   steer admitted while the wait tool runs; its signal wakes the wait early (interrupt_yielding)")
        try await finish(service, session, c, label: "prompt 3")
        if let id = steerOutcome.inputID, let row = try await service.inputStatus(session, input: id) {
            say(
                "   steer input: \(row.phase.rawValue), live boundary receipt \(row.seed.lastBoundarySequence.map(String.init) ?? "-"),"
                    + " result \(row.state.terminalCompletion?.completionType ?? "-")")
        }
        let transcript = try await service.history(session, limit: 1000).messages
        let inTranscript = transcript.contains { message in
            if case .user(let content, _, _) = message {
                return content.contains { $0.textProjection.contains("deploy target changed") }
            }
            return false
        }
        say(
            "   the steer text is in the committed transcript: \(inTranscript ? "yes" : "no (request-only context, as designed)")"
        )

        heading("4. An interrupted run, then the session resumed")
        var stalled = MockStreamOptions()
        stalled.chunkDelay = .seconds(2)
        mock.enqueue(.text("This answer is very slow and will be interrupted before it finishes.", stalled))
        let streaming = try await firstEvent(service, session) { if case .textDelta = $0 { true } else { false } }
        let d = try await turn(service, session, "Tell me a long story")
        await streaming.value
        _ = try await service.interrupt(session)
        try await finish(service, session, d, label: "prompt 4")
        await environment.service.shutdown()
        let resumed = try await service.resume(.id(session))
        say("   resumed session \(resumed) from the SQLite realm")
        let e = try await turn(service, session, "Let's try again, briefly.")
        try await finish(service, session, e, label: "prompt 5")

        heading("5. Every input's final state, as stored in the realm")
        let rows = try await service.inputStates(session)
        for row in rows {
            let outcome = row.seed.terminalOutcome.map { Console.json($0) } ?? "-"
            say(
                "   \(row.inputID.description.prefix(13))…  \(row.phase.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0))"
                    + "  attempts \(row.seed.attemptCount)  \(outcome)  \(row.state.terminalCompletion?.completionType ?? "")"
            )
        }
        log.stop()
    }

    private func turn(_ service: SessionService, _ session: SessionID, _ text: String) async throws -> InputID {
        say("   you: \(text)")
        let (outcome, _) = try await service.startTurn(session, prompt: .text(text))
        guard let id = outcome.inputID else { throw MockFailure("the prompt was not admitted") }
        return id
    }

    private func finish(_ service: SessionService, _ session: SessionID, _ input: InputID, label: String) async throws {
        let outcome = try await service.waitForCompletion(session, input: input)
        switch outcome {
        case .completed(let result): say("   \(label): completed — \"\(Console.preview(result.text))\"")
        default: say("   \(label): \(outcome.completionType)")
        }
    }

    /// Subscribes now and returns a task that ends at the first matching event.
    private func firstEvent(
        _ service: SessionService, _ session: SessionID, where match: @escaping @Sendable (AgentEvent) -> Bool
    ) async throws -> Task<Void, Never> {
        let events = try await service.events(session)
        return Task {
            for await envelope in events where match(envelope.payload) { return }
        }
    }

    private func eventLog(_ service: SessionService, _ session: SessionID) async throws -> DemoEventLog {
        let events = try await service.events(session)
        return DemoEventLog(events)
    }

    private func heading(_ text: String) {
        say("\n\(text)")
    }

    private func say(_ text: String) {
        Console.out(text + "\n")
    }
}

/// Prints tool activity as it happens.
final class DemoEventLog: Sendable {
    private let task: Task<Void, Never>

    init(_ events: AsyncStream<EventEnvelope>) {
        task = Task {
            for await envelope in events {
                switch envelope.payload {
                case .toolCallRequested(_, let name, let args):
                    Console.out(
                        "   model calls tool \(name) \(Console.preview(args.compactText(), limit: 60))\n")
                case .toolExecutionCompleted(_, let name, let content, let isError, let duration):
                    let summary = Console.preview(
                        content.map(\.textProjection).joined(separator: " "), limit: 60)
                    Console.out("   tool \(name) \(isError ? "failed" : "returned") in \(duration) ms: \(summary)\n")
                default:
                    break
                }
            }
        }
    }

    func stop() {
        task.cancel()
    }
}
