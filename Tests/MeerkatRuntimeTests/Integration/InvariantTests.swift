import Foundation
import MeerkatCore
import MeerkatRuntime
import Testing

/// RUNTIME.md §18: one named test per invariant.
@Suite("Runtime invariants (RUNTIME.md §18)")
struct InvariantTests {
    private func machine(running: Bool = false) throws -> RuntimeMachine {
        var machine = RuntimeMachine(runtimeID: "rt:test")
        try machine.initialize()
        try machine.attach()
        if running {
            _ = try machine.admit(Inputs.prompt("first"))
            _ = machine.takeSignal()
            try machine.beginRun(RunID(), batch: machine.nextBatch()!)
        }
        return machine
    }

    private func accepted(_ decision: AdmissionDecision) -> AcceptedAdmission? {
        if case .accepted(let accepted) = decision { return accepted }
        return nil
    }

    @Test func inv01_defaultPromptOnIdleIsQueuedWithWakeLoopButNoWakeWhileRunning() throws {
        var idle = try machine()
        let input = Inputs.prompt("hi")
        let admitted = try #require(accepted(try idle.admit(input)))
        #expect(admitted.seed.phase == .queued)
        #expect(idle.queued(.queue) == [input.id])
        #expect(admitted.signal == .wakeLoop)
        var running = try machine(running: true)
        let second = try #require(accepted(try running.admit(Inputs.prompt("second"))))
        #expect(second.signal == .none)
        #expect(!second.signal.shouldWake)
    }

    @Test func inv02_peerTerminalWhileRunningStillWakesAndIsNeverLiveInjected() throws {
        var running = try machine(running: true)
        let input = Inputs.peer("done", convention: .responseTerminal(requestID: "r1", status: .completed))
        let admitted = try #require(accepted(try running.admit(input)))
        #expect(admitted.signal == .wakeLoop)
        #expect(running.queued(.queue).contains(input.id))
        #expect(!admitted.plan.semantics.contributesLiveSteerContext)
        #expect(running.liveSteerCandidates().isEmpty)
    }

    @Test func inv03_progressIsPassiveAndRejectsAnyHandlingMode() throws {
        var idle = try machine()
        let input = Inputs.peer("50%", convention: .responseProgress(requestID: "r1", phase: .inProgress))
        let admitted = try #require(accepted(try idle.admit(input)))
        #expect(admitted.signal == .none && admitted.seed.phase == .queued)
        #expect(idle.queued(.steer) == [input.id])
        let withMode = Inputs.peer(
            "60%", convention: .responseProgress(requestID: "r1", phase: .inProgress), mode: .queue)
        guard case .rejected(.peerHandlingModeInvalid) = try idle.admit(withMode) else {
            Issue.record("progress with a handling mode must be rejected")
            return
        }
    }

    @Test func inv04_secondProgressWithSameSupersessionKeyCoalescesTheFirst() throws {
        var idle = try machine()
        let first = Inputs.peer(
            "10%", convention: .responseProgress(requestID: "r1", phase: .inProgress), supersession: "job")
        let second = Inputs.peer(
            "20%", convention: .responseProgress(requestID: "r1", phase: .inProgress), supersession: "job")
        _ = try idle.admit(first)
        let admitted = try #require(accepted(try idle.admit(second)))
        #expect(admitted.coalescedInputID == first.id)
        #expect(idle.facts(first.id)?.terminal == .coalesced(aggregateID: second.id))
        #expect(idle.facts(first.id)?.lane == nil)
        #expect(idle.queued(.steer) == [second.id])
    }

    @Test func inv05_idempotencyKeyDeduplicatesLiveAfterTerminalAndAfterRestart() async throws {
        let executor = TestExecutor([.block(then: .complete("done"))])
        let (runtime, store) = try await makeRuntime(executor: executor)
        let first = Inputs.prompt("once", key: "k-1")
        let (_, handle) = try await runtime.accept(first, wantsCompletion: true)
        await executor.waitUntilBlocked()
        let (dup, dupHandle) = try await runtime.accept(Inputs.prompt("again", key: "k-1"), wantsCompletion: true)
        guard case .deduplicated(_, let existing, _) = dup else {
            Issue.record("expected dedup")
            return
        }
        #expect(existing == first.id)
        #expect(dupHandle?.inputID == first.id)  // existing still running → a handle
        await executor.release()
        _ = try await handle?.wait()
        let (afterTerminal, noHandle) = try await runtime.accept(
            Inputs.prompt("third", key: "k-1"), wantsCompletion: true)
        #expect(afterTerminal.effectiveInputID == first.id && noHandle == nil)
        // A fresh runtime over the same store (a restart) still deduplicates.
        let (reopened, _) = try await SessionRuntime.open(session: runtime.sessionID, store: store)
        let (afterRestart, _) = try await reopened.accept(Inputs.prompt("fourth", key: "k-1"))
        #expect(afterRestart.effectiveInputID == first.id)
        #expect(afterRestart.isDeduplicated)
    }

    @Test func inv06_derivedPromptIsRejectedButDerivedSystemContinuationIsAccepted() throws {
        var idle = try machine()
        guard case .rejected(.durabilityViolation) = try idle.admit(Inputs.prompt("x", durability: .derived)) else {
            Issue.record("derived prompt must be rejected")
            return
        }
        let continuation = Input.continuation(.detachedBackgroundOpCompleted())
        #expect(accepted(try idle.admit(continuation)) != nil)
    }

    @Test func inv07_steerPeerMessageRequestsImmediateProcessingAndDefaultPeerWhileRunningInterruptsYielding() throws {
        var idle = try machine()
        let steer = try #require(accepted(try idle.admit(Inputs.peer("hey", mode: .steer))))
        #expect(steer.plan.decision.routingDisposition == .steer)
        #expect(steer.signal == .requestImmediateProcessing)
        var running = try machine(running: true)
        let plain = try #require(accepted(try running.admit(Inputs.peer("ping"))))
        #expect(plain.signal == .interruptYielding)
    }

    @Test func inv08_operationIsConsumedOnAcceptWithoutHandleAndNeverRuns() async throws {
        let executor = TestExecutor()
        let (runtime, _) = try await makeRuntime(executor: executor)
        let (outcome, handle) = try await runtime.accept(Inputs.operation(), wantsCompletion: true)
        guard case .accepted(_, let policy, _, let seed) = outcome else {
            Issue.record("operation must be accepted")
            return
        }
        #expect(seed.phase == .consumed && handle == nil)
        #expect(policy.applyMode == .ignore && policy.consumePoint == .onAccept && policy.queueMode == .priority)
        #expect(policy.routingDisposition == .drop)
        await settled(runtime)
        #expect(await executor.applyCount == 0)
    }

    @Test func inv09_retireDrainsWithALoopAndAbandonsWithoutOne() async throws {
        let executor = TestExecutor([.block(then: .complete("a"))])
        let (runtime, _) = try await makeRuntime(executor: executor)
        let (_, blocker) = try await runtime.accept(Inputs.event("e0"), wantsCompletion: true)
        await executor.waitUntilBlocked()
        var handles: [CompletionHandle] = []
        for index in 1...3 {
            let (_, handle) = try await runtime.accept(Inputs.event("e\(index)"), wantsCompletion: true)
            handles.append(try #require(handle))
        }
        let report = try await runtime.retire()
        #expect(report == RetireReport(inputsAbandoned: 0, inputsPendingDrain: 4))
        await #expect(throws: RuntimeDriverError.notReady(state: .retired)) {
            _ = try await runtime.accept(Inputs.prompt("late"))
        }
        await executor.release()
        _ = try await blocker?.wait()
        for handle in handles {
            guard case .completed = try await handle.wait() else {
                Issue.record("drained inputs complete normally")
                return
            }
        }
        await settled(runtime)
        #expect(await executor.applyCount == 2)  // the blocked run, then the three events drained as one batch
        #expect(await executor.stopCount == 0)
        #expect(await runtime.state == .retired)
        await #expect(throws: RuntimeDriverError.notReady(state: .retired)) {
            _ = try await runtime.accept(Inputs.prompt("late"))
        }

        let (loopless, _) = try await makeRuntime()
        let (_, waiting) = try await loopless.accept(Inputs.prompt("p"), wantsCompletion: true)
        let abandoned = try await loopless.retire()
        #expect(abandoned == RetireReport(inputsAbandoned: 1, inputsPendingDrain: 0))
        #expect(try await waiting?.wait() == .runtimeTerminated(reason: "retired without runtime loop"))
    }

    @Test func inv10_resetAbandonsEverythingWithoutApplyingAndReturnsToIdle() async throws {
        let (runtime, store) = try await makeRuntime()
        let (_, first) = try await runtime.accept(Inputs.prompt("a"), wantsCompletion: true)
        let (second, _) = try await runtime.accept(Inputs.prompt("b"))
        #expect(try await runtime.reset() == ResetReport(inputsAbandoned: 2))
        #expect(try await first?.wait() == .runtimeTerminated(reason: "runtime reset"))
        #expect(
            try await store.loadInput(runtime.runtimeID, second.inputID!)?.seed.terminalOutcome
                == .abandoned(reason: .reset))
        #expect(await runtime.state == .idle)
        _ = try await runtime.retire()
        _ = try await runtime.reset()
        #expect(await runtime.state == .idle)
        #expect(try await runtime.accept(Inputs.prompt("again")).0.isAccepted)
    }

    @Test func inv11_stopPreemptsQueuedWorkAndIsDurable() async throws {
        let executor = TestExecutor([.block(then: .complete("never"))])
        let store = InMemoryRuntimeStore()
        let (runtime, _) = try await makeRuntime(executor: executor, store: store)
        let (_, running) = try await runtime.accept(Inputs.prompt("in flight"), wantsCompletion: true)
        await executor.waitUntilBlocked()
        let (_, queued) = try await runtime.accept(Inputs.prompt("never runs"), wantsCompletion: true)
        try await runtime.stopRuntimeExecutor()
        #expect(try await queued?.wait() == .runtimeTerminated(reason: "runtime stopped"))
        #expect(try await running?.wait() == .runtimeTerminated(reason: "runtime stopped"))
        await settled(runtime)
        #expect(await executor.applyCount == 1)  // the queued prompt never reached the executor
        #expect(await executor.stopCount == 1)
        #expect(await runtime.state == .stopped)
        #expect(try await store.loadLifecycle(runtime.runtimeID)?.state == .stopped)
        let row = try await store.loadInput(runtime.runtimeID, queued!.inputID)
        #expect(row?.seed.terminalOutcome == .abandoned(reason: .stopped))
        await #expect(throws: RuntimeDriverError.notReady(state: .stopped)) {
            _ = try await runtime.accept(Inputs.prompt("x"))
        }
    }

    @Test func inv12_destroyAbandonsAndIsTerminal() async throws {
        let (runtime, _) = try await makeRuntime()
        let (_, handle) = try await runtime.accept(Inputs.prompt("a"), wantsCompletion: true)
        #expect(try await runtime.destroy() == DestroyReport(inputsAbandoned: 1))
        #expect(try await handle?.wait() == .runtimeTerminated(reason: "runtime destroyed"))
        #expect(await runtime.state == .destroyed)
        await #expect(throws: RuntimeDriverError.destroyed) { _ = try await runtime.accept(Inputs.prompt("b")) }
        let (retired, _) = try await makeRuntime()
        _ = try await retired.accept(Inputs.prompt("x"))
        _ = try await retired.retire()
        #expect(try await retired.destroy() == DestroyReport(inputsAbandoned: 0))
    }

    @Test func inv13_acceptIsDurableBeforeAckAndDedupWritesNothing() async throws {
        let (runtime, store) = try await makeRuntime()
        let input = Inputs.prompt("durable", key: "k")
        let (outcome, _) = try await runtime.accept(input)
        #expect(outcome.isAccepted)
        let row = try await store.loadInput(runtime.runtimeID, input.id)
        #expect(row?.phase == .queued && row?.state.persistedInput == input)
        let writes = await store.writeCount
        _ = try await runtime.accept(Inputs.prompt("dup", key: "k"))
        #expect(await store.writeCount == writes)
        // A failed write admits nothing: no row, no live input.
        await store.failWrites(with: .unavailable("disk gone"))
        let lost = Inputs.prompt("lost")
        await #expect(throws: RuntimeDriverError.self) { _ = try await runtime.accept(lost) }
        await store.failWrites(with: nil)
        #expect(try await store.loadInput(runtime.runtimeID, lost.id) == nil)
        #expect(await runtime.listActiveInputs() == [input.id])
    }

    @Test func inv14_recoveryNormalisesEachPhase() async throws {
        let store = InMemoryRuntimeStore()
        let session = SessionID()
        let runtimeID = LogicalRuntimeID.session(session)
        let run = RunID()
        func row(_ input: Input, _ seed: InputStateSeed, durability: InputDurability = .durable) -> StoredInputState {
            var machine = RuntimeMachine(runtimeID: runtimeID)
            try? machine.initialize()
            let plan = try! PolicyTable.resolve(input, context: .idle)
            var state = InputState(admitting: input, plan: plan, at: Date())
            state.durability = durability
            return StoredInputState(state: state, seed: seed)
        }
        let queuedA = Inputs.prompt("a", key: "ka")
        let queuedB = Inputs.prompt("b")
        let staged = Inputs.prompt("s")
        let appliedWithReceipt = Inputs.prompt("r")
        let appliedWithout = Inputs.prompt("w")
        let ephemeral = Inputs.prompt("e", durability: .ephemeral)
        await store.seed(
            runtimeID,
            rows: [
                row(queuedA, .queued(lane: .queue, admissionSequence: 1)),
                row(queuedB, .queued(lane: .queue, admissionSequence: 2)),
                row(
                    staged,
                    InputStateSeed(
                        phase: .staged, lastRunID: run, admissionSequence: 3, attemptCount: 1, recoveryLane: .queue)),
                row(
                    appliedWithReceipt,
                    InputStateSeed(
                        phase: .applied, lastRunID: run, lastBoundarySequence: 1, admissionSequence: 4, attemptCount: 1,
                        recoveryLane: .queue)),
                row(
                    appliedWithout,
                    InputStateSeed(
                        phase: .appliedPendingConsumption, lastRunID: run, lastBoundarySequence: 2,
                        admissionSequence: 5, attemptCount: 1, recoveryLane: .queue)),
                row(ephemeral, .queued(lane: .queue, admissionSequence: 6), durability: .ephemeral),
            ],
            receipts: [
                RunBoundaryReceipt(
                    runID: run, boundary: .runStart, contributingInputIDs: [appliedWithReceipt.id], messageCount: 2,
                    sequence: 1)
            ])
        let (runtime, report) = try await SessionRuntime.open(session: session, store: store)
        #expect(await runtime.listActiveInputs() == [queuedA.id, queuedB.id, staged.id, appliedWithout.id])
        #expect(report.inputsRequeued == 2)
        #expect(try await store.loadInput(runtimeID, appliedWithReceipt.id)?.phase == .consumed)
        #expect(try await store.loadInput(runtimeID, staged.id)?.state.history.last?.reason == "RollbackStaged")
        #expect(
            try await store.loadInput(runtimeID, appliedWithout.id)?.state.history.last?.reason
                == "MissingBoundaryReceipt")
        #expect(try await store.loadInput(runtimeID, ephemeral.id) == nil)
        let (dup, _) = try await runtime.accept(Inputs.prompt("retry", key: "ka"))
        #expect(dup.effectiveInputID == queuedA.id)
    }

    @Test func inv15_coldReregistrationOfDeadLifecycleStatesYieldsIdle() async throws {
        for dead in [RuntimeState.retired, .stopped, .destroyed] {
            let store = InMemoryRuntimeStore()
            let session = SessionID()
            try await store.saveLifecycle(.session(session), RuntimeLifecycleRow(state: dead, updatedAt: Date()))
            let (runtime, _) = try await SessionRuntime.open(session: session, store: store)
            #expect(await runtime.state == .idle)
            #expect(try await store.loadLifecycle(.session(session))?.state == .idle)
            #expect(try await runtime.accept(Inputs.prompt("works")).0.isAccepted)
        }
    }

    @Test func inv16_genericFailureRetriesToThreeAttemptsThenAbandonsWithoutStarvingTheQueue() async throws {
        let failure = CoreExecutorError.applyFailed(kind: .runtimeTurn, message: "boom")
        let executor = TestExecutor([.block(then: .fail(failure)), .complete("b done"), .fail(failure), .fail(failure)])
        let (runtime, store) = try await makeRuntime(executor: executor)
        let (failing, failingHandle) = try await runtime.accept(Inputs.prompt("a"), wantsCompletion: true)
        await executor.waitUntilBlocked()
        let (_, behind) = try await runtime.accept(Inputs.prompt("b"), wantsCompletion: true)
        await executor.release()
        guard case .abandonedWithError = try await failingHandle?.wait() else {
            Issue.record("the failing input's waiter resolves abandoned_with_error")
            return
        }
        guard case .completed = try await behind?.wait() else {
            Issue.record("work behind the failing head completes")
            return
        }
        await settled(runtime)
        let row = try await store.loadInput(runtime.runtimeID, failing.inputID!)
        #expect(row?.seed.terminalOutcome == .abandoned(reason: .maxAttemptsExhausted(attempts: 3)))
        #expect(row?.seed.attemptCount == 3)
        #expect(await executor.applyCount == 4)
        #expect(await runtime.listActiveInputs().isEmpty)
    }

    @Test func inv17_oneWakeDrainsThreePromptsAsThreeRunsInAdmissionOrder() async throws {
        let executor = TestExecutor()
        let (runtime, _) = try await makeRuntime()
        var ids: [InputID] = []
        var handles: [CompletionHandle] = []
        for text in ["one", "two", "three"] {
            let (outcome, handle) = try await runtime.accept(Inputs.prompt(text), wantsCompletion: true)
            ids.append(outcome.inputID!)
            handles.append(handle!)
        }
        try await runtime.attach(executor)  // one wake at attachment
        for handle in handles { guard case .completed = try await handle.wait() else { throw CancellationError() } }
        let contributors = await executor.primitives.map(\.contributingInputIDs)
        #expect(contributors == ids.map { [$0] })
    }

    @Test func inv18_executorCancellationAbandonsCancelledAndReturnsToAttached() async throws {
        let executor = TestExecutor([.block(then: .complete("never"))])
        let (runtime, store) = try await makeRuntime(executor: executor)
        let (outcome, handle) = try await runtime.accept(Inputs.prompt("long"), wantsCompletion: true)
        await executor.waitUntilBlocked()
        #expect(await runtime.interrupt() == .interrupted)
        #expect(try await handle?.wait() == .cancelled)
        await settled(runtime)
        #expect(await runtime.state == .attached)
        #expect(
            try await store.loadInput(runtime.runtimeID, outcome.inputID!)?.seed.terminalOutcome
                == .abandoned(reason: .cancelled))
        #expect(try await store.loadLifecycle(runtime.runtimeID)?.state == .idle)
    }

    @Test func inv19_recyclePreservesQueuedWorkAndWakesTheLoop() async throws {
        let (runtime, _) = try await makeRuntime()
        let (outcome, handle) = try await runtime.accept(Inputs.prompt("kept"), wantsCompletion: true)
        let executor = TestExecutor()
        try await runtime.attach(executor)
        _ = try await handle?.wait()
        // Without a wake: an idle runtime's woken admission stages its run in the same write, and a running runtime
        // cannot be recycled. The input waits queued, and the recycle must wake the loop for it.
        let (second, secondHandle) = try await runtime.accept(
            Inputs.prompt("kept too"), withoutWake: true, wantsCompletion: true)
        #expect(await runtime.state == .attached)
        _ = outcome
        let report = try await runtime.recycle()
        #expect(report.inputsTransferred <= 1)
        guard case .completed = try await secondHandle?.wait() else {
            Issue.record("preserved input's waiter resolves")
            return
        }
        #expect(await executor.primitives.last?.contributingInputIDs == [second.inputID!])
    }

    @Test func inv20_unregisterResolvesWaitersAndLaterQueriesFail() async throws {
        let registry = RuntimeRegistry()
        let session = SessionID()
        try await registry.register(session: session)
        let (_, handle) = try await registry.acceptInputWithCompletion(Inputs.prompt("waiting"), session: session)
        await registry.unregister(session: session)
        #expect(try await handle?.wait() == .runtimeTerminated(reason: "runtime session unregistered"))
        await #expect(throws: RuntimeDriverError.notFound(runtimeID: .session(session))) {
            _ = try await registry.runtimeState(session: session)
        }
    }

    @Test func inv22_peerTerminalPrimitiveCarriesExactlyOneSystemNoticeAtRunStart() async throws {
        let executor = TestExecutor()
        let (runtime, _) = try await makeRuntime(executor: executor)
        let (_, handle) = try await runtime.accept(
            Inputs.peer("result", convention: .responseTerminal(requestID: "r9", status: .completed)),
            wantsCompletion: true)
        _ = try await handle?.wait()
        guard case .stagedInput(let staged) = await executor.primitives.first else {
            Issue.record("expected a staged primitive")
            return
        }
        #expect(staged.boundary == .runStart)
        #expect(staged.appends.filter { $0.role == .systemNotice }.count == 1)
        #expect(staged.appends.count == 1)
        #expect(staged.turnMetadata?.executionKind == .contentTurn)
    }
}

@Suite("Finalization failure")
struct FinalizationFailureTests {
    @Test func failedBoundaryCommitWithholdsTheResultAndHandsTheExecutorOff() async throws {
        let executor = TestExecutor([.block(then: .complete("produced"))])
        let (runtime, store) = try await makeRuntime(executor: executor)
        let (_, handle) = try await runtime.accept(Inputs.prompt("q"), wantsCompletion: true)
        await executor.waitUntilBlocked()
        await store.failWrites(with: .io("disk full"))
        await executor.release()
        guard case .completedWithFinalizationFailure(let error) = try await handle?.wait() else {
            Issue.record("expected completed_with_finalization_failure")
            return
        }
        #expect(error.reason == "finalization_failed")
        await settled(runtime)
        // The executor was handed off: a later input waits for a new attachment instead of running.
        await store.failWrites(with: nil)
        _ = try await runtime.accept(Inputs.prompt("later"))
        await settled(runtime)
        #expect(await executor.applyCount == 1)
    }
}

@Suite("Staging write failure")
struct StagingWriteFailureTests {
    @Test func failedStagingWriteRollsTheRunBackInsteadOfStickingInRunning() async throws {
        let (runtime, store) = try await makeRuntime()
        let (outcome, _) = try await runtime.accept(Inputs.prompt("q"))
        await store.failWrites(with: .unavailable("disk busy"))
        let executor = TestExecutor()
        try? await runtime.attach(executor)
        await settled(runtime)
        #expect(await runtime.state != .running)
        #expect(await executor.applyCount == 0)
        await store.failWrites(with: nil)
        // Once the store is back, the input still runs.
        let handle = runtime.handle(for: outcome.inputID!)
        _ = try await runtime.accept(Inputs.prompt("wake"))
        guard case .completed = try await handle.wait() else {
            Issue.record("the input runs once the store is back")
            return
        }
    }
}
