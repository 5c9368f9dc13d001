import Foundation
import MeerkatCore
import MeerkatRuntime
import Testing

/// RUNTIME.md §10: one named test per control operation row (runtime state, inputs, waiters, report), plus hard
/// interrupt and cancel-after-boundary.
@Suite("Control operation table (RUNTIME.md §10)")
struct ControlOperationTableTests {
    /// Queues prompts without waking the loop and returns their ids and waiters.
    static func queue(_ runtime: SessionRuntime, _ texts: [String]) async throws -> [(InputID, CompletionHandle)] {
        var queued: [(InputID, CompletionHandle)] = []
        for text in texts {
            let (outcome, handle) = try await runtime.accept(
                Inputs.prompt(text), withoutWake: true, wantsCompletion: true)
            queued.append((try #require(outcome.inputID), try #require(handle)))
        }
        return queued
    }

    static func terminalOutcome(_ store: InMemoryRuntimeStore, _ runtime: SessionRuntime, _ id: InputID) async throws
        -> InputTerminalOutcome?
    {
        try await store.loadInput(runtime.runtimeID, id)?.seed.terminalOutcome
    }

    // MARK: retire

    @Test func retire_withALoop_drainsQueuedWorkToConsumed() async throws {
        let executor = TestExecutor()
        let (runtime, store) = try await makeRuntime(executor: executor)
        let queued = try await Self.queue(runtime, ["one", "two"])
        #expect(await executor.applyCount == 0)
        let report = try await runtime.retire()
        #expect(report == RetireReport(inputsAbandoned: 0, inputsPendingDrain: 2))
        for (id, handle) in queued {
            guard case .completed = try await handle.wait() else {
                Issue.record("drained input \(id) completes normally")
                return
            }
            #expect(try await Self.terminalOutcome(store, runtime, id) == .consumed)
        }
        await settled(runtime)
        #expect(await executor.primitives.map(\.contributingInputIDs) == queued.map { [$0.0] })
        #expect(await executor.stopCount == 0)
        #expect(await runtime.state == .retired)
        #expect(try await store.loadLifecycle(runtime.runtimeID)?.state == .retired)
        await #expect(throws: RuntimeDriverError.notReady(state: .retired)) {
            _ = try await runtime.accept(Inputs.prompt("late"))
        }
    }

    @Test func retire_withoutALoop_abandonsRetiredAndTerminatesWaiters() async throws {
        let (runtime, store) = try await makeRuntime()
        let queued = try await Self.queue(runtime, ["one", "two"])
        let report = try await runtime.retire()
        #expect(report == RetireReport(inputsAbandoned: 2, inputsPendingDrain: 0))
        for (id, handle) in queued {
            #expect(try await handle.wait() == .runtimeTerminated(reason: "retired without runtime loop"))
            #expect(try await Self.terminalOutcome(store, runtime, id) == .abandoned(reason: .retired))
        }
        #expect(await runtime.state == .retired)
        #expect(await runtime.listActiveInputs().isEmpty)
        #expect(try await store.loadLifecycle(runtime.runtimeID)?.state == .retired)
        // Idempotent.
        #expect(try await runtime.retire() == RetireReport(inputsAbandoned: 0, inputsPendingDrain: 0))
    }

    @Test func retire_duringARun_isDeferredUntilTheRunEnds() async throws {
        let executor = TestExecutor([.block(then: .complete("a"))])
        let (runtime, store) = try await makeRuntime(executor: executor)
        let (_, handle) = try await runtime.accept(Inputs.prompt("running"), wantsCompletion: true)
        await executor.waitUntilBlocked()
        #expect(try await runtime.retire() == RetireReport(inputsAbandoned: 0, inputsPendingDrain: 1))
        #expect(await runtime.state == .running)
        #expect(try await store.loadLifecycle(runtime.runtimeID)?.state == .retired)  // durable projection
        await executor.release()
        _ = try await #require(handle).wait()
        await settled(runtime)
        #expect(await runtime.state == .retired)
    }

    // MARK: reset

    @Test func reset_abandonsEverythingWithoutApplyingOrStopping() async throws {
        let executor = TestExecutor()
        let (runtime, store) = try await makeRuntime(executor: executor)
        let queued = try await Self.queue(runtime, ["one", "two"])
        #expect(try await runtime.reset() == ResetReport(inputsAbandoned: 2))
        for (id, handle) in queued {
            #expect(try await handle.wait() == .runtimeTerminated(reason: "runtime reset"))
            #expect(try await Self.terminalOutcome(store, runtime, id) == .abandoned(reason: .reset))
        }
        await settled(runtime)
        #expect(await executor.applyCount == 0)
        #expect(await executor.stopCount == 0)
        #expect(await runtime.state == .idle)
        #expect(try await store.loadLifecycle(runtime.runtimeID)?.state == .idle)
        #expect(try await runtime.accept(Inputs.prompt("again")).0.isAccepted)
    }

    @Test func reset_isRefusedWhileRunningAndWhileStopped() async throws {
        let executor = TestExecutor([.block(then: .complete("a"))])
        let (runtime, _) = try await makeRuntime(executor: executor)
        let (_, handle) = try await runtime.accept(Inputs.prompt("running"), wantsCompletion: true)
        await executor.waitUntilBlocked()
        await #expect(throws: RuntimeDriverError.notReady(state: .running)) { _ = try await runtime.reset() }
        await executor.release()
        guard case .completed = try await #require(handle).wait() else {
            Issue.record("the run is unaffected by the refused reset")
            return
        }
        try await runtime.stopRuntimeExecutor()
        await #expect(throws: RuntimeDriverError.notReady(state: .stopped)) { _ = try await runtime.reset() }
    }

    // MARK: recycle

    @Test func recycle_transfersActiveInputsAndKeepsTheirWaiters() async throws {
        let (runtime, store) = try await makeRuntime()
        let queued = try await Self.queue(runtime, ["one", "two"])
        let report = try await runtime.recycle()
        #expect(report == RecycleReport(inputsTransferred: 2))
        #expect(await runtime.listActiveInputs() == queued.map(\.0))
        #expect(await runtime.state == .idle)
        let executor = TestExecutor()
        try await runtime.attach(executor)
        for (id, handle) in queued {
            guard case .completed = try await handle.wait() else {
                Issue.record("a preserved input's waiter resolves with its result")
                return
            }
            #expect(try await Self.terminalOutcome(store, runtime, id) == .consumed)
        }
    }

    @Test func recycle_ofAnAttachedRuntimeStaysAttachedAndWakesTheLoop() async throws {
        let executor = TestExecutor()
        let (runtime, _) = try await makeRuntime(executor: executor)
        let queued = try await Self.queue(runtime, ["waiting for a wake"])
        #expect(await executor.applyCount == 0)
        #expect(try await runtime.recycle() == RecycleReport(inputsTransferred: 1))
        guard case .completed = try await queued[0].1.wait() else {
            Issue.record("recycle wakes the loop")
            return
        }
        await settled(runtime)
        #expect(await runtime.state == .attached)
    }

    @Test func recycle_isRefusedWhileRunning() async throws {
        let executor = TestExecutor([.block(then: .complete("a"))])
        let (runtime, _) = try await makeRuntime(executor: executor)
        let (_, handle) = try await runtime.accept(Inputs.prompt("running"), wantsCompletion: true)
        await executor.waitUntilBlocked()
        await #expect(throws: RuntimeDriverError.notReady(state: .running)) { _ = try await runtime.recycle() }
        await executor.release()
        _ = try await #require(handle).wait()
    }

    // MARK: destroy

    @Test func destroy_abandonsAllActiveInputsAndIsTerminal() async throws {
        let executor = TestExecutor([.block(then: .complete("never"))])
        let (runtime, store) = try await makeRuntime(executor: executor)
        let (running, runningHandle) = try await runtime.accept(Inputs.prompt("in flight"), wantsCompletion: true)
        await executor.waitUntilBlocked()
        let (queued, queuedHandle) = try await runtime.accept(Inputs.prompt("queued"), wantsCompletion: true)
        #expect(try await runtime.destroy() == DestroyReport(inputsAbandoned: 2))
        let destroyed = CompletionOutcome.runtimeTerminated(reason: "runtime destroyed")
        #expect(try await #require(runningHandle).wait() == destroyed)
        #expect(try await #require(queuedHandle).wait() == destroyed)
        await settled(runtime)
        for id in [running.inputID, queued.inputID] {
            #expect(try await Self.terminalOutcome(store, runtime, try #require(id)) == .abandoned(reason: .destroyed))
        }
        #expect(await executor.stopCount == 1)
        #expect(await executor.applyCount == 1)
        #expect(await runtime.state == .destroyed)
        #expect(try await store.loadLifecycle(runtime.runtimeID)?.state == .destroyed)
        await #expect(throws: RuntimeDriverError.destroyed) { _ = try await runtime.accept(Inputs.prompt("x")) }
        await #expect(throws: RuntimeDriverError.destroyed) { _ = try await runtime.retire() }
        await #expect(throws: RuntimeDriverError.destroyed) { _ = try await runtime.destroy() }
    }

    // MARK: stop

    @Test func stop_preemptsQueuedWorkAbandonsStoppedAndIsDurableButRevivable() async throws {
        let executor = TestExecutor()
        let (runtime, store) = try await makeRuntime(executor: executor)
        let queued = try await Self.queue(runtime, ["never runs"])
        try await runtime.stopRuntimeExecutor()
        #expect(try await queued[0].1.wait() == .runtimeTerminated(reason: "runtime stopped"))
        #expect(try await Self.terminalOutcome(store, runtime, queued[0].0) == .abandoned(reason: .stopped))
        #expect(await executor.applyCount == 0)
        #expect(await executor.stopCount == 1)
        #expect(await runtime.state == .stopped)
        #expect(try await store.loadLifecycle(runtime.runtimeID)?.state == .stopped)
        await #expect(throws: RuntimeDriverError.notReady(state: .stopped)) {
            _ = try await runtime.accept(Inputs.prompt("refused"))
        }
        // Stopped is not terminal: attaching an executor revives the runtime.
        let revived = TestExecutor()
        try await runtime.attach(revived)
        #expect(await runtime.state == .attached)
        let (_, handle) = try await runtime.accept(Inputs.prompt("after revival"), wantsCompletion: true)
        guard case .completed = try await #require(handle).wait() else {
            Issue.record("a revived runtime runs new input")
            return
        }
    }

    // MARK: unregister

    @Test func unregister_terminatesWaitersStopsTheExecutorAndKeepsRows() async throws {
        let store = InMemoryRuntimeStore()
        let registry = RuntimeRegistry(store: store)
        let session = SessionID()
        let executor = TestExecutor()
        let (runtime, _) = try await registry.register(session: session, executor: executor)
        let queued = try await Self.queue(runtime, ["pending"])
        await registry.unregister(session: session)
        #expect(try await queued[0].1.wait() == .runtimeTerminated(reason: "runtime session unregistered"))
        #expect(await executor.stopCount == 1)
        #expect(await executor.applyCount == 0)
        let notFound = RuntimeDriverError.notFound(runtimeID: .session(session))
        await #expect(throws: notFound) { _ = try await registry.runtimeState(session: session) }
        await #expect(throws: notFound) { _ = try await registry.acceptInput(Inputs.prompt("x"), session: session) }
        await #expect(throws: notFound) { _ = try await runtime.accept(Inputs.prompt("x")) }
        // The durable row stays for a later registration, which recovers it.
        #expect(try await store.loadInput(.session(session), queued[0].0)?.phase == .queued)
        try await registry.register(session: session)
        #expect(try await registry.listActiveInputs(session: session) == [queued[0].0])
    }

    // MARK: hard interrupt

    @Test func interrupt_ofAnIdleRuntimeIsASuccessfulNoOp() async throws {
        let executor = TestExecutor()
        let (runtime, _) = try await makeRuntime(executor: executor)
        #expect(await runtime.interrupt() == .interrupted)
        #expect(await executor.interrupts.isEmpty)
        #expect(await runtime.state == .attached)
    }

    @Test func interrupt_withAStaleRunIDIsNotFoundAndTheSuccessorKeepsRunning() async throws {
        let executor = TestExecutor([.complete("first"), .block(then: .complete("second"))])
        let (runtime, store) = try await makeRuntime(executor: executor)
        let (_, firstHandle) = try await runtime.accept(Inputs.prompt("first"), wantsCompletion: true)
        _ = try await #require(firstHandle).wait()
        let (second, secondHandle) = try await runtime.accept(Inputs.prompt("second"), wantsCompletion: true)
        await executor.waitUntilBlocked()
        let runs = await executor.runs
        #expect(runs.count == 2)
        #expect(await runtime.interrupt(run: runs[0]) == .notFound)
        #expect(await executor.interrupts.isEmpty)
        #expect(await runtime.currentRunID == runs[1])
        await executor.release()
        guard case .completed = try await #require(secondHandle).wait() else {
            Issue.record("the successor run is not cancelled by a stale interrupt")
            return
        }
        #expect(try await Self.terminalOutcome(store, runtime, try #require(second.inputID)) == .consumed)
    }

    @Test func interrupt_ofTheCurrentRunCancelsIt() async throws {
        let executor = TestExecutor([.block(then: .complete("never"))])
        let (runtime, store) = try await makeRuntime(executor: executor)
        let (outcome, handle) = try await runtime.accept(Inputs.prompt("long"), wantsCompletion: true)
        await executor.waitUntilBlocked()
        let run = try #require(await executor.runs.first)
        #expect(await runtime.interrupt(run: run) == .interrupted)
        #expect(try await #require(handle).wait() == .cancelled)
        await settled(runtime)
        #expect(await executor.interrupts == [run])
        let id = try #require(outcome.inputID)
        #expect(try await Self.terminalOutcome(store, runtime, id) == .abandoned(reason: .cancelled))
        #expect(await runtime.state == .attached)
        #expect(await runtime.interrupt(run: run) == .notFound)  // a finished run stays fenced
    }

    // MARK: cancel after boundary

    @Test func cancelAfterBoundary_cancelsTheRunAtItsNextCheckpoint() async throws {
        let executor = TestExecutor([.block(then: .checkpoint(then: .complete("never")))])
        let (runtime, store) = try await makeRuntime(executor: executor)
        let (outcome, handle) = try await runtime.accept(Inputs.prompt("long"), wantsCompletion: true)
        await executor.waitUntilBlocked()
        let run = try #require(await executor.runs.first)
        await runtime.cancelAfterBoundary(reason: "operator asked")
        #expect(await executor.interrupts.isEmpty)  // nothing happens before the boundary
        await executor.release()
        #expect(try await #require(handle).wait() == .cancelled)
        await settled(runtime)
        #expect(await executor.interrupts == [run])
        let id = try #require(outcome.inputID)
        #expect(try await Self.terminalOutcome(store, runtime, id) == .abandoned(reason: .cancelled))
        #expect(await runtime.state == .attached)
    }

    @Test func cancelAfterBoundary_isScopedToTheRunItWasRequestedFor() async throws {
        let executor = TestExecutor([
            .block(then: .complete("ends without a checkpoint")), .checkpoint(then: .complete("next run")),
        ])
        let (runtime, _) = try await makeRuntime(executor: executor)
        let (_, firstHandle) = try await runtime.accept(Inputs.prompt("first"), wantsCompletion: true)
        await executor.waitUntilBlocked()
        await runtime.cancelAfterBoundary(reason: "stop the first run")
        await executor.release()
        guard case .completed = try await #require(firstHandle).wait() else {
            Issue.record("the first run never reached a boundary and completes")
            return
        }
        // A later run must not inherit the request.
        let (_, secondHandle) = try await runtime.accept(Inputs.prompt("second"), wantsCompletion: true)
        guard case .completed = try await #require(secondHandle).wait() else {
            Issue.record("the next run is not cancelled by a stale cancel-after-boundary request")
            return
        }
        #expect(await executor.interrupts.isEmpty)

        // Requested while idle: a no-op.
        let idleExecutor = TestExecutor([.checkpoint(then: .complete("ok"))])
        let (idle, _) = try await makeRuntime(executor: idleExecutor)
        await idle.cancelAfterBoundary(reason: "nothing running")
        let (_, idleHandle) = try await idle.accept(Inputs.prompt("later"), wantsCompletion: true)
        guard case .completed = try await #require(idleHandle).wait() else {
            Issue.record("a request made while idle does not cancel a later run")
            return
        }
    }

    @Test func cancelAfterBoundary_isRefusedWhileRetiring() async throws {
        let executor = TestExecutor([.block(then: .checkpoint(then: .complete("drained")))])
        let (runtime, _) = try await makeRuntime(executor: executor)
        let (_, handle) = try await runtime.accept(Inputs.prompt("draining"), wantsCompletion: true)
        await executor.waitUntilBlocked()
        _ = try await runtime.retire()
        await runtime.cancelAfterBoundary(reason: "too late")
        await executor.release()
        guard case .completed = try await #require(handle).wait() else {
            Issue.record("a retiring runtime drains its run to completion")
            return
        }
        #expect(await executor.interrupts.isEmpty)
        await settled(runtime)
        #expect(await runtime.state == .retired)
    }
}
