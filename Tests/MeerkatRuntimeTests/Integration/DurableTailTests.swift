import Foundation
import MeerkatCore
import MeerkatRuntime
import MeerkatTesting
import Testing

/// RUNTIME.md §11.4: a process that dies mid-run leaves a transcript that recovery closes before any new turn.
@Suite("Durable tail recovery")
struct DurableTailTests {
    @Test func deathMidToolBatchClosesDanglingCallsAndNeverRerunsTheInput() async throws {
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
        #expect(await second.listActiveInputs().isEmpty)  // never requeued
        let row = try await second.inputState(outcome.inputID!)
        #expect(row?.seed.terminalOutcome == .abandoned(reason: .cancelled))
        guard case .abandonedWithError(let reason, _) = row?.state.terminalCompletion else {
            Issue.record("the interrupted input reports run_interrupted")
            return
        }
        #expect(reason == "run_interrupted")
        #expect(report.details.contains { $0.contains("durable tail closed") })
        never.open()
    }

    @Test func finishedTailWhoseCommitWasLostIsConsumedNotRerun() async throws {
        let store = InMemoryRuntimeStore()
        let sessionID = SessionID()
        let runtimeID = LogicalRuntimeID.session(sessionID)
        let run = RunID()
        let input = Inputs.prompt("q")
        let plan = try PolicyTable.resolve(input, context: .idle)
        let row = StoredInputState(
            state: InputState(admitting: input, plan: plan, at: Date()),
            seed: InputStateSeed(
                phase: .staged, lastRunID: run, admissionSequence: 1, attemptCount: 1, recoveryLane: .queue))
        let date = Date(timeIntervalSince1970: 1_800_000_000)
        let session = Session(
            id: sessionID,
            messages: [
                .user(content: [.text("q")], transcriptRole: .conversational, createdAt: date),
                .assistant(blocks: [.text(text: "answer", meta: nil)], stopReason: .endTurn, createdAt: date),
            ],
            metadata: [SessionRuntime.openRunMarkerKey: ["run_id": .string(run.description), "start": 0]],
            createdAt: date)
        await store.seed(runtimeID, rows: [row])
        try await store.atomicApply(runtimeID, BoundaryCommit(session: session))

        let (runtime, _) = try await SessionRuntime.open(session: sessionID, store: store)
        #expect(await runtime.listActiveInputs().isEmpty)
        let recovered = try await runtime.inputState(input.id)
        #expect(recovered?.seed.terminalOutcome == .consumed)
        let stored = try await store.loadSession(sessionID)
        #expect(stored?.messages.count == 2)  // nothing appended to a finished run
        #expect(stored?.metadata[SessionRuntime.openRunMarkerKey] == nil)
        #expect(
            try await store.loadReceipts(runtimeID).contains {
                $0.runID == run && $0.contributingInputIDs == [input.id]
            })
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
