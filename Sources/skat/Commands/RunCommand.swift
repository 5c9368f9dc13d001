import ArgumentParser
import Foundation
import MeerkatService
import Synchronization

/// How standard input is used.
enum StdinMode: String, ExpressibleByArgument, CaseIterable {
    /// Piped input becomes context for the prompt (or the prompt, when none is given).
    case auto
    /// Each line is a new input to the same session; lines arriving while a turn runs are queued (or steered).
    case lines
    /// Standard input is ignored.
    case off
}

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a prompt in a new session, or continue one with --resume.",
        discussion: """
            Text streams to the terminal as it arrives; tool calls are shown on stderr. Exit codes: 0 ok, 1 error, \
            2 budget exhausted, 3 structured output invalid after retries, 64 usage error, 130 interrupted (Ctrl-C; \
            a second Ctrl-C exits at once).
            """)

    @OptionGroup var realm: RealmOptions

    @Argument(help: "The prompt.") var prompt: [String] = []

    @Option(
        name: .customLong("resume"),
        help: ArgumentHelp(
            "Continue a session: --resume (the last one), --resume <id|prefix|last> or --resume=<id|prefix|last>."))
    var resume: String?

    /// The word after a bare `--resume` (set by `Skat.main`): a session selector when it names one, else the prompt.
    @Option(name: .customLong("resume-candidate"), help: .hidden)
    var resumeCandidate: String?

    @Option(name: [.short, .long], help: "Model id from the catalog (`skat models`) or a self-hosted alias.")
    var model: String?

    @Option(name: [.short, .long], help: "Provider: anthropic, openai, gemini or self_hosted.")
    var provider: ProviderKind?

    @Option(
        name: .customLong("base-url"),
        help: "An OpenAI-compatible server (Ollama, llama.cpp, vLLM) serving -m: http://host:port/v1 (no key needed).")
    var baseURL: String?

    @Option(help: "System prompt for a new session (replaces the default prompt and AGENTS.md).")
    var system: String?

    @Option(name: .customLong("max-tokens"), help: "Output tokens per model call.")
    var maxTokens: Int?

    @Option(name: .customLong("max-tool-calls"), help: "Tool-call budget of the session's agent.")
    var maxToolCalls: Int?

    @Option(name: [.customShort("d"), .customLong("max-duration")], help: "Time budget, e.g. 10m.")
    var maxDuration: String?

    @Option(help: "JSON Schema for structured output: a file path or inline JSON.")
    var schema: String?

    @Option(name: [.short, .long], help: "Tool preset: none, safe, workspace or full.")
    var tools: ToolPreset?

    @Option(name: .customLong("allow-tool"), help: "Only allow these tools (repeatable).")
    var allowTool: [String] = []

    @Option(name: .customLong("block-tool"), help: "Hide these tools (repeatable).")
    var blockTool: [String] = []

    @Option(name: [.short, .customLong("output")], help: "text, json or stream-json (every event as a JSON line).")
    var output: RunOutputFormat = .text

    @Flag(name: [.short, .long], help: "Text output: no session id and token usage on stderr at the end.")
    var quiet = false

    @Option(
        name: .customLong("idempotency-key"), help: "A retried command with the same key never runs its input twice.")
    var idempotencyKey: String?

    @Option(help: "auto, lines or off.")
    var stdin: StdinMode = .auto

    @Flag(help: "With --stdin lines: steer lines into the running turn instead of queueing them.")
    var steer = false

    @Option(help: "Extra system-prompt section (repeatable).")
    var instructions: [String] = []

    @Option(name: .customLong("label"), help: "Session label K=V (repeatable).")
    var labels: [String] = []

    @Flag(name: [.short, .long], help: "Show every tool result.")
    var verbose = false

    @Flag(
        name: .customLong("wait-for-mcp"),
        help: "Connect every MCP server before the first turn (otherwise their tools appear as they connect).")
    var waitForMCP = false

    func validate() throws {
        if let maxTokens, maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1") }
        if let maxToolCalls, maxToolCalls < 0 { throw ValidationError("--max-tool-calls must be 0 or more") }
        if let maxDuration {
            do {
                _ = try DurationText.parse(maxDuration)
            } catch {
                throw ValidationError("--max-duration: \(error)")
            }
        }
        _ = try parseLabels(labels)
        if steer && stdin != .lines { throw ValidationError("--steer only applies with --stdin lines") }
        if prompt.isEmpty && stdin == .off && resume == nil { throw ValidationError("a prompt is required") }
    }

    func run() async throws {
        let schemaValue = try schema.map(loadSchema)
        // What can fail without a model call fails before the realm is created, so it leaves nothing behind.
        let piped = stdin == .auto && isatty(STDIN_FILENO) == 0 ? readPiped() : nil
        if prompt.isEmpty && resumeCandidate == nil && piped == nil && stdin != .lines {
            throw SkatFailure("nothing to run: give a prompt or pipe input", code: SkatExit.usage)
        }
        try preflight(schemaValue)
        let environment = try await realm.open()
        if waitForMCP {
            for notice in await environment.connectMCPServers() { Output.err("mcp: \(notice)\n") }
        }
        let tracker = NewSessionTracker()
        let exitCode: Int32
        do {
            exitCode = try await execute(environment.service, schemaValue, piped: piped, tracker: tracker)
        } catch {
            await finish(environment, tracker)
            throw error
        }
        await finish(environment, tracker)
        if exitCode != SkatExit.ok { throw SkatExitCode(code: exitCode) }
    }

    /// Reads piped standard input; nil when it is blank.
    private func readPiped() -> String? {
        let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        return text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : text
    }

    /// Checks the config, the model (against the catalog, naming the nearest ones when unknown) and its key
    /// without opening the realm.
    private func preflight(_ schemaValue: JSONValue?) throws {
        let context = try realm.context()
        let intent =
            resume != nil ? model.map { SessionIntent(model: $0, baseURL: baseURL) } : try newIntent(schemaValue)
        do {
            let config = try context.config()
            let factory = try ProviderAgentFactory(config: config, projectRoot: context.projectRoot)
            if let intent { try factory.check(intent: intent, config: config) }
        } catch {
            throw fail(error)
        }
    }

    /// Closes the environment. A new session whose runs all failed before any model answer was committed is
    /// deleted, and a realm this run created is removed again when it is left empty.
    private func finish(_ environment: ServiceEnvironment, _ tracker: NewSessionTracker) async {
        if let session = tracker.unusedSession,
            let stored = try? await environment.service.loadSession(session),
            !stored.messages.contains(where: {
                if case .assistant = $0 { return true }
                return false
            })
        {
            try? await environment.service.delete(session)
            await environment.discardIfUnused()
            return
        }
        await environment.close()
    }

    private func execute(
        _ service: SessionService, _ schemaValue: JSONValue?, piped: String?, tracker: NewSessionTracker
    ) async throws -> Int32 {
        var firstPrompt = prompt.joined(separator: " ")
        let sessionID = try await openSession(service, schemaValue, prompt: &firstPrompt, tracker: tracker)
        let renderer = TerminalRenderer(verbose: verbose)
        let events: AsyncStream<EventEnvelope>
        do {
            events = try await service.events(sessionID)
        } catch {
            throw fail(error)
        }
        var stream: StreamJSONRenderer?
        var rendering: Task<Void, Never>?
        if output == .streamJSON {
            stream = try await startStreamJSON(service, sessionID, events)
        } else if output == .text {
            rendering = Task {
                for await envelope in events { await renderer.render(envelope) }
                await renderer.endOfEvents()
            }
        }
        let interrupted = InterruptedFlag()
        let signal = InterruptSignal {
            interrupted.set()
            Task { _ = try? await service.interrupt(sessionID) }
        }
        defer { signal.cancel() }

        var inputs: [(AcceptOutcome, CompletionHandle?)] = []
        var context: [ContentInput] = []
        if let piped {
            if firstPrompt.isEmpty { firstPrompt = piped } else { context.append(.text(piped)) }
        }
        if !firstPrompt.isEmpty {
            inputs.append(
                try await start(service, sessionID, firstPrompt, mode: .queue, context: context, key: idempotencyKey))
        }
        if stdin == .lines {
            var index = 0
            for await line in StandardInputLines.stream() {
                let text = line.trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else { continue }
                index += 1
                let key = idempotencyKey.map { SessionService.lineIdempotencyKey($0, line: index) }
                inputs.append(
                    try await start(service, sessionID, text, mode: steer ? .steer : .queue, context: [], key: key))
            }
        }
        if inputs.isEmpty { throw SkatFailure("nothing to run: give a prompt or pipe input", code: SkatExit.usage) }

        var code = SkatExit.ok
        var last: RunOutput?
        for (outcome, _) in inputs {
            guard let id = outcome.effectiveInputID else { continue }
            let completion: CompletionOutcome
            do {
                completion = try await service.waitForCompletion(sessionID, input: id)
            } catch {
                throw fail(error)
            }
            if rendering != nil {
                // The completion can resolve before the rendering task has printed the run's last deltas.
                // Bounded: events the bus dropped for a stalled terminal would otherwise be waited for forever.
                let seq = (try? await service.lastEventSeq(sessionID)) ?? 0
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await renderer.waitUntilRendered(seq) }
                    group.addTask { try? await Task.sleep(for: .seconds(5)) }
                    await group.next()
                    group.cancelAll()
                }
            }
            await renderer.finish()
            if case .completed = completion { tracker.used() }
            if case .cancelled = completion { tracker.used() }
            let result = RunOutput(
                session: sessionID, input: id, outcome: completion, deduplicated: outcome.isDeduplicated)
            if let stream {
                await stream.drain(
                    agentSeq: (try? await service.lastEventSeq(sessionID)) ?? 0,
                    input: outcome.isDeduplicated ? nil : id)
                await stream.result(result)
            }
            code = max(code, report(result, completion))
            last = result
        }
        await renderer.finish()
        rendering?.cancel()
        await stream?.stop()
        if output == .text, !quiet, let last, last.status == "completed" {
            Output.err(TerminalRenderer.summaryLine(session: sessionID, usage: last.usage))
        }
        if interrupted.isSet { return SkatExit.interrupted }
        return code
    }

    private func start(
        _ service: SessionService, _ session: SessionID, _ text: String, mode: HandlingMode, context: [ContentInput],
        key: String?
    ) async throws -> (AcceptOutcome, CompletionHandle?) {
        do {
            return try await service.startTurn(
                session, prompt: .text(text), handling: mode, idempotencyKey: key, injectedContext: context)
        } catch {
            throw fail(error)
        }
    }

    /// The intent of a new session from the flags.
    private func newIntent(_ schemaValue: JSONValue?) throws -> SessionIntent {
        SessionIntent(
            model: model, provider: provider, maxTokens: maxTokens, maxToolCalls: maxToolCalls,
            maxDuration: maxDuration,
            tools: tools, allowTools: allowTool.isEmpty ? nil : allowTool,
            blockTools: blockTool.isEmpty ? nil : blockTool,
            outputSchema: schemaValue, labels: try parseLabels(labels), baseURL: baseURL)
    }

    /// Resumes the named session or creates one. A bare `--resume WORD` resumes WORD when it names a session
    /// (`last`, an id, a unique prefix); otherwise WORD starts the prompt and the last session is resumed.
    private func openSession(
        _ service: SessionService, _ schemaValue: JSONValue?, prompt: inout String, tracker: NewSessionTracker
    ) async throws -> SessionID {
        let patch = SessionIntentPatch(
            model: model, baseURL: baseURL, outputSchema: schemaValue, maxTokens: maxTokens,
            maxToolCalls: maxToolCalls, maxDuration: maxDuration, tools: tools,
            allowTools: allowTool.isEmpty ? nil : allowTool, blockTools: blockTool.isEmpty ? nil : blockTool,
            labels: try parseLabels(labels))
        let request = RunSessionRequest(
            resume: resume, resumeCandidate: resumeCandidate, patch: patch,
            create: CreateSessionRequest(
                intent: try newIntent(schemaValue), systemPrompt: system.map { .set($0) }, instructions: instructions),
            idempotencyKey: idempotencyKey)
        do {
            let opened = try await service.openRunSession(request)
            if let word = opened.promptPrefix { prompt = prompt.isEmpty ? word : word + " " + prompt }
            if opened.created { tracker.created(opened.id) }
            return opened.id
        } catch {
            throw fail(error)
        }
    }

    /// Opens the `-o stream-json` writer on the session's agent and runtime events.
    private func startStreamJSON(
        _ service: SessionService, _ sessionID: SessionID, _ events: AsyncStream<EventEnvelope>
    ) async throws -> StreamJSONRenderer {
        let runtimeEvents: AsyncStream<RuntimeEvent>
        do {
            runtimeEvents = try await service.runtimeEvents(sessionID)
        } catch {
            throw fail(error)
        }
        let stream = StreamJSONRenderer(session: sessionID)
        await stream.begin(resumed: resume != nil)
        await stream.start(agent: events, runtime: runtimeEvents)
        return stream
    }

    /// Prints the outcome of one input (stream-json results are written by the stream) and returns its exit code.
    private func report(_ result: RunOutput, _ completion: CompletionOutcome) -> Int32 {
        let deduplicated = result.deduplicated
        switch output {
        case .streamJSON:
            break
        case .json:
            printJSON(result)
        case .text:
            if case .completed(let run) = completion {
                if deduplicated { Output.out(run.text + "\n") }
                if let structured = run.structuredOutput { Output.out(structured.compactText() + "\n") }
                if let extraction = run.extractionError {
                    Output.err(
                        "skat: structured output failed after \(extraction.attempts) attempts: \(extraction.reason)\n")
                }
            } else if let message = result.error {
                Output.failure(message)
            }
        }
        return result.exitCode
    }

    private func loadSchema(_ text: String) throws -> JSONValue {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let source: String
        if trimmed.hasPrefix("{") {
            source = trimmed
        } else {
            guard let data = FileManager.default.contents(atPath: trimmed) else {
                throw SkatFailure("--schema: cannot read schema file '\(trimmed)'")
            }
            source = String(decoding: data, as: UTF8.self)
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(source)
        } catch {
            throw SkatFailure("--schema: \(error.message)")
        }
        do {
            _ = try OutputSchema(json: value)
        } catch {
            throw SkatFailure("--schema: \(error.message)")
        }
        return value
    }
}

/// The session a run created, until one of its inputs completed (or was interrupted): a session whose runs all
/// failed before the model answered is not kept.
final class NewSessionTracker: Sendable {
    private let state = Mutex<(session: SessionID?, used: Bool)>((nil, false))
    func created(_ id: SessionID) { state.withLock { $0.session = id } }
    func used() { state.withLock { $0.used = true } }
    /// The created session when nothing used it.
    var unusedSession: SessionID? { state.withLock { $0.used ? nil : $0.session } }
}

/// Set once Ctrl-C was pressed.
final class InterruptedFlag: Sendable {
    private let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
    var isSet: Bool { flag.withLock { $0 } }
}

/// Ends the process with a code after a normal run (no extra message).
struct SkatExitCode: Error {
    let code: Int32
}
