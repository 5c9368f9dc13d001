import Foundation
import MeerkatCore
import MeerkatRuntime
import Testing

/// RUNTIME.md §7.5: one named test per executor outcome, through `SessionRuntime` with a scripted executor, checking the
/// waiter's result, the durable input row, the boundary receipts and the runtime state.
@Suite("Run outcome table (RUNTIME.md §7.5)")
struct RunOutcomeTableTests {
    /// What one single-input run left behind.
    struct Settled {
        var runtime: SessionRuntime
        var store: InMemoryRuntimeStore
        var executor: TestExecutor
        var inputID: InputID
        var outcome: CompletionOutcome
        var row: StoredInputState
        var runs: [RunID]
        var receipts: [RunBoundaryReceipt]
    }

    /// Accepts one prompt on an attached runtime scripted with `script`, waits for its waiter and for the loop to park.
    static func runOne(_ script: [TestExecutor.Step]) async throws -> Settled {
        let executor = TestExecutor(script)
        let (runtime, store) = try await makeRuntime(executor: executor)
        let input = Inputs.prompt("question")
        let (_, maybeHandle) = try await runtime.accept(input, wantsCompletion: true)
        let outcome = try await #require(maybeHandle).wait()
        await settled(runtime)
        let row = try #require(try await store.loadInput(runtime.runtimeID, input.id))
        return Settled(
            runtime: runtime, store: store, executor: executor, inputID: input.id, outcome: outcome, row: row,
            runs: await executor.runs, receipts: try await store.loadReceipts(runtime.runtimeID))
    }

    /// The common shape of every "Ok" row: consumed at boundary sequence 1 under one receipt, runtime back to attached.
    static func expectConsumedUnderOneReceipt(_ done: Settled) async throws {
        let run = try #require(done.runs.first)
        #expect(done.runs.count == 1)
        #expect(done.row.phase == .consumed && done.row.seed.terminalOutcome == .consumed)
        #expect(done.row.seed.attemptCount == 1)
        #expect(done.row.seed.lastRunID == run)
        #expect(done.row.seed.lastBoundarySequence == 1)
        #expect(done.row.state.history.map(\.reason) == ["QueueAccepted", "StageForRun", "BoundaryApplied"])
        #expect(done.row.state.history.last?.from == .staged && done.row.state.history.last?.to == .consumed)
        #expect(done.row.state.terminalCompletion == done.outcome)
        #expect(
            done.receipts == [
                RunBoundaryReceipt(
                    runID: run, boundary: .runStart, contributingInputIDs: [done.inputID], messageCount: 2,
                    sequence: 1)
            ])
        #expect(try await done.runtime.inputTerminalCompletion(done.inputID) == done.outcome)
        #expect(await done.runtime.state == .attached)
        #expect(await done.runtime.listActiveInputs().isEmpty)
        #expect(try await done.store.loadLifecycle(done.runtime.runtimeID)?.state == .idle)
    }

    // MARK: Ok rows

    @Test func ok_withRunResult_consumedAndCompleted() async throws {
        let done = try await Self.runOne([.complete("the answer")])
        guard case .completed(let result) = done.outcome else {
            Issue.record("expected completed, got \(done.outcome)")
            return
        }
        #expect(result.text == "the answer")
        #expect(done.outcome.completionType == "completed")
        try await Self.expectConsumedUnderOneReceipt(done)
    }

    @Test func ok_withoutResult_consumedAndCompletedWithoutResult() async throws {
        let done = try await Self.runOne([.completeWithoutResult])
        #expect(done.outcome == .completedWithoutResult)
        try await Self.expectConsumedUnderOneReceipt(done)
    }

    @Test func ok_noPendingBoundary_consumedAndCompletedWithoutResult() async throws {
        let done = try await Self.runOne([.finish(.noPendingBoundary)])
        #expect(done.outcome == .completedWithoutResult)
        try await Self.expectConsumedUnderOneReceipt(done)
    }

    @Test func ok_callbackPending_consumedAndCallbackPending() async throws {
        let done = try await Self.runOne([
            .finish(.callbackPending(toolUseID: "call-1", toolName: "approve", args: ["amount": .number(3)]))
        ])
        #expect(
            done.outcome == .callbackPending(toolUseID: "call-1", toolName: "approve", args: ["amount": .number(3)]))
        try await Self.expectConsumedUnderOneReceipt(done)
    }

    @Test func ok_callbackBatchPending_consumedAndCallbackBatchPending() async throws {
        let calls = [
            ToolCall(id: "call-1", name: "approve", args: ["n": .number(1)]),
            ToolCall(id: "call-2", name: "lookup", args: ["q": .string("x")]),
        ]
        let done = try await Self.runOne([.finish(.callbackBatchPending(calls))])
        #expect(
            done.outcome
                == .callbackBatchPending(pendingToolCalls: [
                    PendingCallbackToolCall(toolUseID: "call-1", toolName: "approve", args: ["n": .number(1)]),
                    PendingCallbackToolCall(toolUseID: "call-2", toolName: "lookup", args: ["q": .string("x")]),
                ]))
        try await Self.expectConsumedUnderOneReceipt(done)
    }

    @Test func ok_machineTerminalFailure_consumedAndAbandonedWithError() async throws {
        let report = ErrorReport(errorClass: .llm, reason: "context_overflow", message: "turn failed after mutating")
        let done = try await Self.runOne([.finish(.machineTerminalFailure(report))])
        #expect(done.outcome == .abandonedWithError(reason: "machine_terminal_failure", error: report))
        try await Self.expectConsumedUnderOneReceipt(done)
    }

    // MARK: Err rows

    @Test func err_cancelled_abandonedCancelledAndNeverRequeued() async throws {
        let done = try await Self.runOne([.fail(.cancelled), .complete("must not run")])
        let run = try #require(done.runs.first)
        #expect(done.outcome == .cancelled)
        #expect(done.runs.count == 1)  // never requeued
        #expect(done.row.seed.terminalOutcome == .abandoned(reason: .cancelled))
        #expect(done.row.seed.attemptCount == 1 && done.row.seed.lastRunID == run)
        #expect(done.row.seed.lastBoundarySequence == nil)
        #expect(done.row.state.history.map(\.reason) == ["QueueAccepted", "StageForRun", "RunFailed"])
        #expect(done.receipts.isEmpty)
        #expect(await done.runtime.state == .attached)
        #expect(try await done.store.loadLifecycle(done.runtime.runtimeID)?.state == .idle)
    }

    @Test(arguments: [
        CoreExecutorError.applyFailed(kind: .runtimeTurn, message: "llm down"), .controlFailed("control channel lost"),
        .internal("invariant broken"),
    ])
    func err_replayable_replayedThenAbandonedMaxAttemptsExhausted(_ error: CoreExecutorError) async throws {
        let done = try await Self.runOne([.fail(error), .fail(error), .fail(error), .complete("never")])
        // The process-local waiter learns about the first attempt; the durable input runs again.
        #expect(done.outcome == CompletionClassifier.outcome(for: error))
        guard case .abandonedWithError = done.outcome else {
            Issue.record("a replayed attempt resolves its waiter abandoned_with_error, got \(done.outcome)")
            return
        }
        #expect(done.runs.count == 3)
        #expect(Set(done.runs).count == 3)
        #expect(done.row.seed.terminalOutcome == .abandoned(reason: .maxAttemptsExhausted(attempts: 3)))
        #expect(done.row.seed.attemptCount == 3)
        #expect(done.row.seed.lastRunID == done.runs.last)
        #expect(
            done.row.state.history.map(\.reason) == [
                "QueueAccepted", "StageForRun", "ResolveStagedRollback", "StageForRun", "ResolveStagedRollback",
                "StageForRun", "ResolveStagedRollback",
            ])
        #expect(done.row.state.history.map(\.to) == [.queued, .staged, .queued, .staged, .queued, .staged, .abandoned])
        #expect(done.receipts.isEmpty)
        #expect(await done.runtime.state == .attached)
    }

    @Test func err_replayable_rollbackIsDurableBetweenAttempts() async throws {
        let failure = CoreExecutorError.applyFailed(kind: .hookDenied, message: "denied")
        let executor = TestExecutor([.fail(failure), .block(then: .complete("second time lucky"))])
        let store = InMemoryRuntimeStore()
        let registry = RuntimeRegistry(store: store)
        let session = SessionID()
        let (runtime, _) = try await registry.register(session: session, executor: executor)
        let input = Inputs.prompt("retry me")
        _ = try await runtime.accept(input)
        await executor.waitUntilBlocked()
        let runs = await executor.runs
        let staged = try #require(try await store.loadInput(runtime.runtimeID, input.id))
        #expect(staged.phase == .staged && staged.seed.attemptCount == 2 && staged.seed.lastRunID == runs.last)
        #expect(staged.state.history.map(\.to) == [.queued, .staged, .queued, .staged])
        // The failed run no longer has a witness: the rollback dropped the association and re-staging rebound it.
        #expect(try await registry.runTerminalStatus(session: session, run: runs[0]) == .noDurableWitness)
        #expect(try await registry.runTerminalStatus(session: session, run: runs[1]) == .inFlight)
        await executor.release()
        await settled(runtime)
        let row = try #require(try await store.loadInput(runtime.runtimeID, input.id))
        #expect(row.phase == .consumed && row.seed.attemptCount == 2)
    }

    @Test func err_teardownExecutorNotProgressing_abandonedNeverExecutedAndExecutorDetached() async throws {
        let done = try await Self.runOne([
            .fail(.teardownRequired(reason: .executorNotProgressing, message: "watchdog")), .complete("must not run"),
        ])
        guard case .abandonedWithError(let reason, let error) = done.outcome else {
            Issue.record("expected abandoned_with_error, got \(done.outcome)")
            return
        }
        #expect(reason == "teardown_required" && error.reason == "executor_not_progressing")
        #expect(done.row.seed.terminalOutcome == .abandoned(reason: .neverExecuted))
        #expect(done.row.seed.attemptCount == 1 && done.row.seed.lastRunID == done.runs.first)
        #expect(done.row.state.history.map(\.reason) == ["QueueAccepted", "StageForRun", "RunFailed"])
        #expect(done.receipts.isEmpty)
        // The executor is detached: the runtime is idle and later input waits for a new one.
        #expect(await done.runtime.state == .idle)
        let (later, _) = try await done.runtime.accept(Inputs.prompt("later"))
        let loopActive = await done.runtime.isLoopActive
        #expect(!loopActive)
        #expect(await done.executor.applyCount == 1)
        #expect(await done.runtime.listActiveInputs() == [try #require(later.inputID)])
    }

    @Test(arguments: [
        CoreExecutorError.TeardownReason.archivedSession, .sessionUnavailable, .durableProjectionAuthorityUnknown,
    ])
    func err_teardownOtherReason_replayedAndExecutorDetached(_ reason: CoreExecutorError.TeardownReason) async throws {
        let done = try await Self.runOne([.fail(.teardownRequired(reason: reason, message: "gone"))])
        guard case .abandonedWithError("teardown_required", let error) = done.outcome else {
            Issue.record("expected abandoned_with_error(teardown_required), got \(done.outcome)")
            return
        }
        #expect(error.reason == reason.rawValue)
        // Replayed: back in its lane with the attempt counted.
        #expect(done.row.phase == .queued && done.row.seed.terminalOutcome == nil)
        #expect(done.row.seed.attemptCount == 1 && done.row.seed.lastRunID == nil)
        #expect(done.row.state.history.last?.reason == "ResolveStagedRollback")
        #expect(await done.runtime.listActiveInputs() == [done.inputID])
        // Detached: nothing runs until a new executor attaches, which then runs the replayed input.
        #expect(await done.runtime.state == .idle)
        #expect(await done.executor.applyCount == 1)
        let successor = TestExecutor()
        try await done.runtime.attach(successor)
        await settled(done.runtime)
        #expect(await successor.primitives.map(\.contributingInputIDs) == [[done.inputID]])
        let row = try #require(try await done.store.loadInput(done.runtime.runtimeID, done.inputID))
        #expect(row.phase == .consumed && row.seed.attemptCount == 2)
    }

    @Test func err_stopped_takesTheStopPath() async throws {
        let executor = TestExecutor([.block(then: .fail(.stopped))])
        let (runtime, store) = try await makeRuntime(executor: executor)
        let (running, runningHandle) = try await runtime.accept(Inputs.prompt("in flight"), wantsCompletion: true)
        await executor.waitUntilBlocked()
        let (queued, queuedHandle) = try await runtime.accept(Inputs.prompt("behind"), wantsCompletion: true)
        await executor.release()
        let stopped = CompletionOutcome.runtimeTerminated(reason: "runtime stopped")
        #expect(try await #require(runningHandle).wait() == stopped)
        #expect(try await #require(queuedHandle).wait() == stopped)
        await settled(runtime)
        for maybeID in [running.inputID, queued.inputID] {
            let id = try #require(maybeID)
            let row = try #require(try await store.loadInput(runtime.runtimeID, id))
            #expect(row.seed.terminalOutcome == .abandoned(reason: .stopped))
            #expect(row.state.terminalCompletion == stopped)
        }
        #expect(await runtime.state == .stopped)
        #expect(try await store.loadLifecycle(runtime.runtimeID)?.state == .stopped)
        #expect(await executor.applyCount == 1)  // no retry
        #expect(try await store.loadReceipts(runtime.runtimeID).isEmpty)
        #expect(await runtime.listActiveInputs().isEmpty)
    }

    // MARK: Boundary commit and receipts

    @Test func completedRunWhoseBoundaryCommitFailsIsNeverReplayed() async throws {
        let executor = TestExecutor([.block(then: .complete("produced")), .complete("must not run")])
        let (runtime, store) = try await makeRuntime(executor: executor)
        let input = Inputs.prompt("q")
        let (_, handle) = try await runtime.accept(input, wantsCompletion: true)
        await executor.waitUntilBlocked()
        await store.failWrites(with: .unavailable("disk full"))
        await executor.release()
        guard case .completedWithFinalizationFailure = try await #require(handle).wait() else {
            Issue.record("output produced but not durable: the result is withheld")
            return
        }
        await settled(runtime)
        await store.failWrites(with: nil)
        #expect(await executor.applyCount == 1)
        #expect(try await store.loadReceipts(runtime.runtimeID).isEmpty)
    }

    @Test func liveSteerTakesSequenceOneAndTheTerminalBoundaryTwo() async throws {
        let executor = TestExecutor([.block(then: .checkpoint(then: .complete("done")))])
        let (runtime, store) = try await makeRuntime(executor: executor)
        let (main, mainHandle) = try await runtime.accept(Inputs.prompt("long task"), wantsCompletion: true)
        await executor.waitUntilBlocked()
        let (steer, steerHandle) = try await runtime.accept(
            Inputs.peer("also this", mode: .steer), wantsCompletion: true)
        await executor.release()
        #expect(try await #require(steerHandle).wait() == .completedWithoutResult)
        guard case .completed = try await #require(mainHandle).wait() else {
            Issue.record("the main run completes")
            return
        }
        let run = try #require(await executor.runs.first)
        let mainID = try #require(main.inputID)
        let steerID = try #require(steer.inputID)
        let receipts = try await store.loadReceipts(runtime.runtimeID).sorted { $0.sequence < $1.sequence }
        #expect(receipts.map(\.sequence) == [1, 2])
        #expect(receipts.map(\.contributingInputIDs) == [[steerID], [mainID]])
        #expect(receipts.allSatisfy { $0.runID == run })
        #expect(try await store.loadInput(runtime.runtimeID, steerID)?.seed.lastBoundarySequence == 1)
        #expect(try await store.loadInput(runtime.runtimeID, mainID)?.seed.lastBoundarySequence == 2)
        #expect(await executor.steerContexts.first?.map(\.inputID) == [steerID])
    }
}
