import Foundation
import MeerkatCore
import MeerkatRuntime
import MeerkatTesting
import Synchronization
import Testing

/// RUNTIME.md §11.4: a process that dies mid-run leaves a transcript that recovery closes before any new turn.
@Suite("Durable tail recovery")
struct DurableTailTests {
    @Test func deathMidToolBatchClosesDanglingCallsAndContinuesTheRun() async throws {
        let started = ScriptedGate()
        let never = ScriptedGate()
        let hang = ClosureTool(name: "deploy") { _, _ in
            started.open()
            await never.wait()
            return .text("deployed")
        }
        let client = ScriptedLLMClient([
            .toolCalls([
                ScriptedToolCall(id: "d1", name: "deploy", args: [:]),
                ScriptedToolCall(id: "d2", name: "deploy", args: [:]),
            ])
        ])
        var config = AgentConfig(model: "scripted")
        config.retry.streamInactivityTimeout = nil
        let session = Session()
        let agent = Agent(
            session: session, client: client, tools: ToolDispatcher([hang]), config: config, clock: ManualClock())
        let store = InMemoryRuntimeStore()
        let (first, _) = try await SessionRuntime.open(session: session.id, store: store)
        try await first.attach(agent)
        let (outcome, _) = try await first.accept(Inputs.prompt("deploy it"))
        await started.wait()

        // The process "dies": a new runtime opens the same store while the first is frozen mid tool batch.
        let (second, report) = try await SessionRuntime.open(session: session.id, store: store)
        let recovered = try #require(try await store.loadSession(session.id))
        #expect(recovered.unansweredToolUseIDs.isEmpty)
        let closing =
            recovered.messages.compactMap { message -> [ToolResult]? in
                if case .toolResults(let results, _) = message { return results }
                return nil
            }.last ?? []
        #expect(closing.map(\.toolUseID) == ["d1", "d2"])
        #expect(closing.allSatisfy { $0.isError && $0.text == SessionRuntime.interruptedToolResultText })
        guard case .systemNotice = recovered.messages.last else {
            Issue.record("a notice tells the model the run was interrupted")
            return
        }
        #expect(recovered.metadata[SessionRuntime.openRunMarkerKey] == nil)
        // The acknowledged input is not abandoned: its run is continued from the closed transcript.
        let id = try #require(outcome.inputID)
        #expect(await second.listActiveInputs() == [id])
        let row = try #require(try await second.inputState(id))
        #expect(row.phase == .queued)
        #expect(row.state.appliedToTranscript)
        #expect(row.seed.attemptCount == 1)
        #expect(report.details.contains { $0.contains("durable tail closed") && $0.contains("1 continued") })
        let stored = try #require(try await store.loadInputs(.session(session.id)).first { $0.inputID == id })
        #expect(stored == row)  // the continuation is durable before anything runs

        // A new agent over the recovered transcript: the model sees the interrupted calls and answers; the prompt is
        // not applied again and no tool runs again.
        let executions = Counter()
        let deploy = ClosureTool(name: "deploy") { _, _ in
            executions.increment()
            return .text("deployed")
        }
        let resumed = ScriptedLLMClient([.text("The deploy was interrupted; please check it before retrying.")])
        let secondAgent = Agent(
            session: recovered, client: resumed, tools: ToolDispatcher([deploy]), config: config,
            clock: ManualClock())
        try await second.attach(secondAgent)
        let completion = try await second.handle(for: id).wait()
        guard case .completed(let result) = completion, result.text.contains("interrupted") else {
            Issue.record("the continued run answers the input, got \(completion)")
            never.open()
            return
        }
        let final = try #require(try await second.inputState(id))
        #expect(final.seed.terminalOutcome == .consumed)
        #expect(executions.value == 0)
        let request = try #require(resumed.requests.first)
        let prompts = request.messages.filter { message in
            if case .user(let content, _, _) = message { return content == [.text("deploy it")] }
            return false
        }
        #expect(prompts.count == 1)
        #expect(request.messages.contains { if case .toolResults = $0 { true } else { false } })
        let transcript = try #require(try await store.loadSession(session.id))
        #expect(transcript.messages.filter { if case .user = $0 { true } else { false } }.count == 1)
        never.open()
    }

    @Test func anInputInterruptedOnItsLastAttemptIsAbandonedExhausted() async throws {
        let dead = try await DeadRun(
            attempts: InputStateSeed.maxStageAttempts,
            answer: .assistant(
                blocks: [.toolUse(ToolCall(id: "t1", name: "deploy", args: [:]))], stopReason: .toolUse,
                createdAt: DeadRun.date))

        let (runtime, report) = try await SessionRuntime.open(session: dead.sessionID, store: dead.store)
        #expect(await runtime.listActiveInputs().isEmpty)
        let recovered = try #require(try await runtime.inputState(dead.input.id))
        #expect(
            recovered.seed.terminalOutcome
                == .abandoned(reason: .maxAttemptsExhausted(attempts: InputStateSeed.maxStageAttempts)))
        #expect(report.inputsAbandoned == 1)
        #expect(try await dead.store.loadSession(dead.sessionID)?.unansweredToolUseIDs.isEmpty == true)
        #expect(try await dead.receiptNamesTheInput())
    }

    @Test func finishedTailWhoseCommitWasLostIsConsumedNotRerun() async throws {
        let dead = try await DeadRun(
            attempts: 1,
            answer: .assistant(
                blocks: [.text(text: "answer", meta: nil)], stopReason: .endTurn, createdAt: DeadRun.date))

        let (runtime, _) = try await SessionRuntime.open(session: dead.sessionID, store: dead.store)
        #expect(await runtime.listActiveInputs().isEmpty)
        let recovered = try await runtime.inputState(dead.input.id)
        #expect(recovered?.seed.terminalOutcome == .consumed)
        let stored = try await dead.store.loadSession(dead.sessionID)
        #expect(stored?.messages.count == 2)  // nothing appended to a finished run
        #expect(stored?.metadata[SessionRuntime.openRunMarkerKey] == nil)
        #expect(try await dead.receiptNamesTheInput())
    }

    /// Recovery is one transaction: the closed tail, the continued input's row, the lifecycle row. When that one
    /// write fails, the store holds exactly what the dead process left, and a later open recovers normally.
    @Test func recoveryWritesOnceAndAFailedWriteLeavesTheDeadStoreAsItWas() async throws {
        let dead = try await DeadRun(
            attempts: 1,
            answer: .assistant(
                blocks: [.toolUse(ToolCall(id: "t1", name: "deploy", args: [:]))], stopReason: .toolUse,
                createdAt: DeadRun.date))
        let rowsBefore = try await dead.store.loadInputs(dead.runtimeID)
        let sessionBefore = try await dead.store.loadSession(dead.sessionID)

        await dead.store.failWrites(with: .unavailable("injected"))
        await #expect(throws: RuntimeDriverError.self) {
            _ = try await SessionRuntime.open(session: dead.sessionID, store: dead.store)
        }
        #expect(try await dead.store.loadInputs(dead.runtimeID) == rowsBefore)
        #expect(try await dead.store.loadSession(dead.sessionID) == sessionBefore)
        #expect(try await dead.store.loadLifecycle(dead.runtimeID) == nil)

        await dead.store.failWrites(with: nil)
        let writes = await dead.store.writeCount
        let (runtime, report) = try await SessionRuntime.open(session: dead.sessionID, store: dead.store)
        #expect(await dead.store.writeCount == writes + 1)
        #expect(report.inputsRecovered == 1 && report.inputsAbandoned == 0)
        #expect(await runtime.listActiveInputs() == [dead.input.id])
        let stored = try #require(try await dead.store.loadInput(dead.runtimeID, dead.input.id))
        #expect(stored.phase == .queued && stored.state.appliedToTranscript)
        #expect(try await dead.store.loadSession(dead.sessionID)?.metadata[SessionRuntime.openRunMarkerKey] == nil)
        #expect(try await dead.store.loadLifecycle(dead.runtimeID)?.state == .idle)
    }

    @Test func successfulRunClearsTheOpenRunMarker() async throws {
        let client = ScriptedLLMClient([
            .toolCalls([ScriptedToolCall(id: "c", name: "echo", args: [:])]), .text("done"),
        ])
        let echo = ClosureTool(name: "echo") { _, _ in .text("ok") }
        let session = Session()
        let agent = Agent(
            session: session, client: client, tools: ToolDispatcher([echo]), config: AgentConfig(model: "m"),
            clock: ManualClock())
        let store = InMemoryRuntimeStore()
        let (runtime, _) = try await SessionRuntime.open(session: session.id, store: store)
        try await runtime.attach(agent)
        let (_, handle) = try await runtime.accept(Inputs.prompt("go"), wantsCompletion: true)
        _ = try await handle?.wait()
        let stored = try await store.loadSession(session.id)
        #expect(stored?.messages.count == 4)
        #expect(stored?.metadata[SessionRuntime.openRunMarkerKey] == nil)
    }
}

/// A store left by a process that died during a run of one prompt (`q`, staged on its `attempts`-th attempt) after
/// the run had written the prompt and `answer` to the transcript.
private struct DeadRun {
    static let date = Date(timeIntervalSince1970: 1_800_000_000)

    let store = InMemoryRuntimeStore()
    let sessionID = SessionID()
    let run = RunID()
    let input = Inputs.prompt("q")
    var runtimeID: LogicalRuntimeID { .session(sessionID) }

    init(attempts: Int, answer: Message) async throws {
        let plan = try PolicyTable.resolve(input, context: .idle)
        let row = StoredInputState(
            state: InputState(admitting: input, plan: plan, at: Date()),
            seed: InputStateSeed(
                phase: .staged, lastRunID: run, admissionSequence: 1, attemptCount: attempts, recoveryLane: .queue))
        let session = Session(
            id: sessionID,
            messages: [.user(content: [.text("q")], transcriptRole: .conversational, createdAt: Self.date), answer],
            metadata: [SessionRuntime.openRunMarkerKey: ["run_id": .string(run.description), "start": 0]],
            createdAt: Self.date)
        await store.seed(runtimeID, rows: [row])
        try await store.atomicApply(runtimeID, BoundaryCommit(session: session))
    }

    /// True when a committed receipt of the dead run names the input (it ended at recovery).
    func receiptNamesTheInput() async throws -> Bool {
        try await store.loadReceipts(runtimeID).contains { $0.runID == run && $0.contributingInputIDs == [input.id] }
    }
}

/// A thread-safe counter for tool executions.
private final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func increment() { count.withLock { $0 += 1 } }
}
