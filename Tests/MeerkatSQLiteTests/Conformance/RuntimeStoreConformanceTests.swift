import Foundation
import MeerkatCore
import MeerkatRuntime
import Testing

/// Every `RuntimeStore` method, run against each implementation: they must behave alike.
@Suite struct RuntimeStoreConformanceTests {
    let runtime = LogicalRuntimeID.session(SessionID())

    @Test(arguments: StoreKind.allCases)
    func writtenRowsLoadBackIncludingTerminalOnes(kind: StoreKind) async throws {
        let store = try kind.make().runtime
        let a = Rows.queued("a", sequence: 1)
        let b = Rows.queued("b", sequence: 2)
        let done = Rows.consumed(Rows.queued("c", sequence: 3), run: RunID())
        try await store.writeInputs(runtime, [a, b])
        try await store.writeInputs(runtime, [done])
        #expect(try await store.loadInput(runtime, a.inputID) == a)
        #expect(try await store.loadInput(runtime, done.inputID) == done)
        #expect(try await store.loadInput(runtime, InputID()) == nil)
        let all = try await store.loadInputs(runtime)
        #expect(Set(all) == [a, b, done])
        #expect(try await store.loadInputs(.session(SessionID())).isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func rewritingARowReplacesIt(kind: StoreKind) async throws {
        let store = try kind.make().runtime
        let row = Rows.queued("a")
        try await store.writeInputs(runtime, [row])
        var staged = row
        staged.seed.phase = .staged
        staged.seed.lastRunID = RunID()
        try await store.writeInputs(runtime, [staged])
        #expect(try await store.loadInput(runtime, row.inputID) == staged)
        #expect(try await store.loadInputs(runtime) == [staged])
    }

    @Test(arguments: StoreKind.allCases)
    func idempotencyIndexSurvivesTerminalInputsAndRestarts(kind: StoreKind) async throws {
        let harness = try kind.make()
        let row = Rows.queued("a", key: "order-1")
        try await harness.runtime.writeInputs(runtime, [row])
        #expect(try await harness.runtime.loadInput(runtime, idempotencyKey: "order-1") == row)
        let done = Rows.consumed(row, run: RunID())
        try await harness.runtime.writeInputs(runtime, [done])
        #expect(try await harness.runtime.loadInput(runtime, idempotencyKey: "order-1") == done)
        #expect(try await harness.runtime.loadInput(runtime, idempotencyKey: "order-2") == nil)
        #expect(try await harness.runtime.loadInput(.session(SessionID()), idempotencyKey: "order-1") == nil)
        let restarted = try harness.reopened().runtime
        #expect(try await restarted.loadInput(runtime, idempotencyKey: "order-1") == done)
        #expect(try await restarted.loadInput(runtime, idempotencyKey: "order-1")?.state.terminalCompletion != nil)
    }

    @Test(arguments: StoreKind.allCases)
    func compareAndSwapReplacesOnlyTheExpectedRow(kind: StoreKind) async throws {
        let store = try kind.make().runtime
        let row = Rows.queued("a", key: "k")
        try await store.writeInputs(runtime, [row])
        var next = row
        next.state.recordTransition(from: .queued, to: .queued, reason: "QueueAccepted", at: instant(3))
        #expect(try await store.compareAndSwapInput(runtime, expected: row, next: next))
        #expect(try await store.loadInput(runtime, row.inputID) == next)
        // `row` is stale now: a second swap from it loses the race and changes nothing.
        var other = row
        other.seed.attemptCount = 2
        #expect(try await !store.compareAndSwapInput(runtime, expected: row, next: other))
        #expect(try await store.loadInput(runtime, row.inputID) == next)
        // A row that was never written cannot be swapped.
        let missing = Rows.queued("missing")
        #expect(try await !store.compareAndSwapInput(runtime, expected: missing, next: missing))
        #expect(try await store.loadInput(runtime, missing.inputID) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func compareAndSwapToNilDeletesTheRow(kind: StoreKind) async throws {
        let store = try kind.make().runtime
        let row = Rows.queued("e", key: "ephemeral", sequence: 1)
        let kept = Rows.queued("kept", sequence: 2)
        try await store.writeInputs(runtime, [row, kept])
        #expect(try await store.compareAndSwapInput(runtime, expected: row, next: nil))
        #expect(try await store.loadInput(runtime, row.inputID) == nil)
        #expect(try await store.loadInput(runtime, idempotencyKey: "ephemeral") == nil)
        #expect(try await store.loadInputs(runtime) == [kept])
        #expect(try await !store.compareAndSwapInput(runtime, expected: row, next: nil))
    }

    @Test(arguments: StoreKind.allCases)
    func compareAndSwapComparesTheWholeRow(kind: StoreKind) async throws {
        let store = try kind.make().runtime
        let row = Rows.queued("a")
        try await store.writeInputs(runtime, [row])
        var historyOnly = row
        historyOnly.state.recordTransition(from: .queued, to: .queued, reason: "elsewhere", at: instant(9))
        #expect(try await !store.compareAndSwapInput(runtime, expected: historyOnly, next: nil))
        #expect(try await store.loadInput(runtime, row.inputID) == row)
    }

    @Test(arguments: StoreKind.allCases)
    func receiptsAreKeyedByRunAndSequence(kind: StoreKind) async throws {
        let harness = try kind.make()
        let store = harness.runtime
        let run = RunID()
        let first = Rows.receipt(run: run, sequence: 1)
        let second = Rows.receipt(run: run, sequence: 2, messages: 4)
        let other = Rows.receipt(run: RunID(), sequence: 1)
        #expect(try await store.loadReceipts(runtime).isEmpty)
        try await store.atomicApply(runtime, BoundaryCommit(receipt: first))
        try await store.atomicApply(runtime, BoundaryCommit(receipt: second))
        try await store.atomicApply(runtime, BoundaryCommit(receipt: other))
        // Re-committing the same (run, sequence) replaces rather than duplicates.
        try await store.atomicApply(runtime, BoundaryCommit(receipt: first))
        #expect(Set(try await store.loadReceipts(runtime)) == [first, second, other])
        #expect(try await store.loadReceipts(.session(SessionID())).isEmpty)
        #expect(Set(try await harness.reopened().runtime.loadReceipts(runtime)) == [first, second, other])
    }

    @Test(arguments: StoreKind.allCases)
    func lifecycleRowIsSavedAndReplaced(kind: StoreKind) async throws {
        let harness = try kind.make()
        let store = harness.runtime
        #expect(try await store.loadLifecycle(runtime) == nil)
        let idle = RuntimeLifecycleRow(state: .idle, updatedAt: instant(1))
        try await store.saveLifecycle(runtime, idle)
        #expect(try await store.loadLifecycle(runtime) == idle)
        let running = RuntimeLifecycleRow(state: .running, updatedAt: instant(2))
        try await store.atomicApply(runtime, BoundaryCommit(lifecycle: running))
        #expect(try await store.loadLifecycle(runtime) == running)
        #expect(try await harness.reopened().runtime.loadLifecycle(runtime) == running)
        #expect(try await store.loadLifecycle(.session(SessionID())) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func atomicApplyCommitsEverythingTogether(kind: StoreKind) async throws {
        let harness = try kind.make()
        let store = harness.runtime
        let sessionID = SessionID()
        let runtime = LogicalRuntimeID.session(sessionID)
        let row = Rows.queued("a", key: "k")
        try await store.writeInputs(runtime, [row])
        let run = RunID()
        let receipt = Rows.receipt(run: run, sequence: 1, inputs: [row.inputID])
        let session = Transcript.session(sessionID, count: 2)
        let done = Rows.consumed(row, run: run)
        let lifecycle = RuntimeLifecycleRow(state: .attached, updatedAt: instant(4))
        try await store.atomicApply(
            runtime, BoundaryCommit(receipt: receipt, session: session, inputs: [done], lifecycle: lifecycle))
        let reopened = try harness.reopened().runtime
        for view in [store, reopened] {
            #expect(try await view.loadReceipts(runtime) == [receipt])
            #expect(try await view.loadSession(sessionID) == session)
            #expect(try await view.loadInput(runtime, row.inputID) == done)
            #expect(try await view.loadLifecycle(runtime) == lifecycle)
        }
        // The next boundary appends to the committed transcript.
        var longer = session
        longer.messages += [Transcript.toolCall("t1", at: 3), Transcript.toolResult("t1", at: 4)]
        try await store.atomicApply(
            runtime, BoundaryCommit(receipt: Rows.receipt(run: run, sequence: 2), session: longer))
        #expect(try await store.loadSession(sessionID) == longer)
        #expect(try await store.loadSession(SessionID()) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func admitInputsWritesOnlyANewInput(kind: StoreKind) async throws {
        let harness = try kind.make()
        let store = harness.runtime
        let first = Rows.queued("a", key: "order-1", sequence: 1)
        // New id and key: written, nothing returned.
        #expect(
            try await store.admitInputs(runtime, [first], newInput: first.inputID, idempotencyKey: "order-1") == nil)
        #expect(try await store.loadInput(runtime, first.inputID) == first)
        // The same key on another input: the bound row answers and nothing is written.
        let sameKey = Rows.queued("b", key: "order-1", sequence: 2)
        #expect(
            try await store.admitInputs(runtime, [sameKey], newInput: sameKey.inputID, idempotencyKey: "order-1")
                == first)
        #expect(try await store.loadInput(runtime, sameKey.inputID) == nil)
        // The same id (a finished input delivered again): its row answers, unchanged.
        let done = Rows.consumed(first, run: RunID())
        try await store.writeInputs(runtime, [done])
        var again = Rows.queued("a again", sequence: 3)
        again.state.inputID = first.inputID
        #expect(try await store.admitInputs(runtime, [again], newInput: first.inputID, idempotencyKey: nil) == done)
        for view in [store, try harness.reopened().runtime] {
            #expect(try await view.loadInputs(runtime) == [done])
            #expect(try await view.loadInput(runtime, idempotencyKey: "order-1") == done)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func admitInputsWithStagingWritesBothOrNeither(kind: StoreKind) async throws {
        let harness = try kind.make()
        let store = harness.runtime
        #expect(store.stagesWithAdmission)
        let queued = Rows.queued("a", key: "order-1", sequence: 1)
        let other = Rows.queued("side", sequence: 2)
        var staged = queued
        staged.seed.phase = .staged
        staged.seed.lastRunID = RunID()
        let running = RuntimeLifecycleRow(state: .running, updatedAt: instant(5))
        let staging = BoundaryCommit(inputs: [staged], lifecycle: running)
        // New: the admission's rows and the staging in one write; the staged row replaces the queued one.
        #expect(
            try await store.admitInputs(
                runtime, [queued, other], newInput: queued.inputID, idempotencyKey: "order-1", staging: staging) == nil)
        // A duplicate (same key): neither the admission nor its staging is written.
        let duplicate = Rows.queued("b", key: "order-1", sequence: 3)
        var duplicateStaged = duplicate
        duplicateStaged.seed.phase = .staged
        #expect(
            try await store.admitInputs(
                runtime, [duplicate], newInput: duplicate.inputID, idempotencyKey: "order-1",
                staging: BoundaryCommit(
                    inputs: [duplicateStaged], lifecycle: RuntimeLifecycleRow(state: .idle, updatedAt: instant(6))))
                == staged)
        for view in [store, try harness.reopened().runtime] {
            #expect(Set(try await view.loadInputs(runtime)) == [staged, other])
            #expect(try await view.loadInput(runtime, idempotencyKey: "order-1") == staged)
            #expect(try await view.loadLifecycle(runtime) == running)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func swapsAndRoutingCommitWithTheRest(kind: StoreKind) async throws {
        let harness = try kind.make()
        let store = harness.runtime
        let (a, b) = (Rows.queued("a", sequence: 1), Rows.queued("b", sequence: 2))
        try await store.writeInputs(runtime, [a, b])
        var staged = a
        staged.seed.phase = .staged
        var routing = ModelRoutingState()
        routing.configureBaseline(model: "m", realtime: false)
        let lifecycle = RuntimeLifecycleRow(state: .idle, updatedAt: instant(5))
        try await store.atomicApply(
            runtime,
            BoundaryCommit(
                lifecycle: lifecycle, routing: routing,
                swaps: [InputSwap(expected: a, next: staged), InputSwap(expected: b, next: nil)]))
        for view in [store, try harness.reopened().runtime] {
            #expect(try await view.loadInputs(runtime) == [staged])
            #expect(try await view.loadRouting(runtime) == routing)
            #expect(try await view.loadLifecycle(runtime) == lifecycle)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aLostSwapFailsTheWholeCommit(kind: StoreKind) async throws {
        let harness = try kind.make()
        let store = harness.runtime
        let sessionID = SessionID()
        let runtime = LogicalRuntimeID.session(sessionID)
        let (a, b) = (Rows.queued("a", sequence: 1), Rows.queued("b", sequence: 2))
        try await store.writeInputs(runtime, [a, b])
        var changed = b
        changed.state.recoveryCount += 1
        try await store.writeInputs(runtime, [changed])  // another writer, after the caller read `b`
        var routing = ModelRoutingState()
        routing.configureBaseline(model: "m", realtime: false)
        do {
            try await store.atomicApply(
                runtime,
                BoundaryCommit(
                    receipt: Rows.receipt(run: RunID(), sequence: 1), session: Transcript.session(sessionID, count: 2),
                    inputs: [Rows.queued("c", sequence: 3)],
                    lifecycle: RuntimeLifecycleRow(state: .idle, updatedAt: instant(5)), routing: routing,
                    swaps: [InputSwap(expected: a, next: nil), InputSwap(expected: b, next: nil)]))
            Issue.record("a swap whose row changed must fail the commit")
        } catch {
            guard case .conflict(let message) = error else {
                Issue.record("expected conflict, got \(error)")
                return
            }
            #expect(message.contains(b.inputID.description))
        }
        // Nothing of the commit survives: not the first swap, the row, the receipt, the session, lifecycle or routing.
        for view in [store, try harness.reopened().runtime] {
            #expect(Set(try await view.loadInputs(runtime)) == [a, changed])
            #expect(try await view.loadReceipts(runtime).isEmpty)
            #expect(try await view.loadSession(sessionID) == nil)
            #expect(try await view.loadLifecycle(runtime) == nil)
            #expect(try await view.loadRouting(runtime) == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aShrinkingSessionFailsTheWholeBoundary(kind: StoreKind) async throws {
        let harness = try kind.make()
        let store = harness.runtime
        let sessionID = SessionID()
        let runtime = LogicalRuntimeID.session(sessionID)
        let session = Transcript.session(sessionID, count: 4)
        try await store.atomicApply(runtime, BoundaryCommit(session: session))
        let row = Rows.queued("a")
        let receipt = Rows.receipt(run: RunID(), sequence: 1)
        var shorter = session
        shorter.messages.removeLast()
        await #expect(throws: RuntimeStoreError.self) {
            try await store.atomicApply(
                runtime,
                BoundaryCommit(
                    receipt: receipt, session: shorter, inputs: [row],
                    lifecycle: RuntimeLifecycleRow(state: .idle, updatedAt: instant(1))))
        }
        var rewritten = session
        rewritten.messages[1] = Transcript.assistant("a different answer", at: 1)
        await #expect(throws: RuntimeStoreError.self) {
            try await store.atomicApply(runtime, BoundaryCommit(receipt: receipt, session: rewritten, inputs: [row]))
        }
        #expect(try await store.loadSession(sessionID) == session)
        #expect(try await store.loadReceipts(runtime).isEmpty)
        #expect(try await store.loadInput(runtime, row.inputID) == nil)
        #expect(try await store.loadLifecycle(runtime) == nil)
    }

    /// The combined read of a recovery returns exactly what the five separate reads return, empty or not.
    @Test(arguments: StoreKind.allCases)
    func recoverySnapshotEqualsTheSeparateReads(kind: StoreKind) async throws {
        let harness = try kind.make()
        let store = harness.runtime
        let sessionID = SessionID()
        let runtime = LogicalRuntimeID.session(sessionID)
        let empty = try await store.loadRecoverySnapshot(runtime, session: sessionID)
        #expect(empty.rows.isEmpty && empty.receipts.isEmpty && empty.session == nil && empty.routing == nil)
        #expect(empty.lifecycle == nil)
        let row = Rows.queued("a", sequence: 1)
        let other = Rows.queued("b", sequence: 2)
        try await store.writeInputs(runtime, [row, other])
        var routing = ModelRoutingState()
        routing.configureBaseline(model: "m", realtime: false)
        try await store.atomicApply(
            runtime,
            BoundaryCommit(
                receipt: Rows.receipt(run: RunID(), sequence: 1, inputs: [row.inputID]),
                session: Transcript.session(sessionID, count: 3), inputs: [Rows.consumed(row, run: RunID())],
                lifecycle: RuntimeLifecycleRow(state: .attached, updatedAt: instant(3)), routing: routing))
        for view in [store, try harness.reopened().runtime] {
            let snapshot = try await view.loadRecoverySnapshot(runtime, session: sessionID)
            #expect(snapshot.rows == (try await view.loadInputs(runtime)))
            #expect(snapshot.rows.count == 2)
            #expect(snapshot.receipts == (try await view.loadReceipts(runtime)))
            #expect(snapshot.receipts.count == 1)
            #expect(snapshot.session == (try await view.loadSession(sessionID)))
            #expect(snapshot.session?.messages.count == 3)
            #expect(snapshot.routing == routing)
            #expect(snapshot.lifecycle == (try await view.loadLifecycle(runtime)))
            #expect(snapshot.lifecycle?.state == .attached)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func runtimesAreIsolated(kind: StoreKind) async throws {
        let store = try kind.make().runtime
        let other = LogicalRuntimeID.session(SessionID())
        let row = Rows.queued("a", key: "shared-key")
        try await store.writeInputs(runtime, [row])
        #expect(try await store.loadInput(other, row.inputID) == nil)
        #expect(try await store.loadInput(other, idempotencyKey: "shared-key") == nil)
        #expect(try await !store.compareAndSwapInput(other, expected: row, next: nil))
        #expect(try await store.loadInput(runtime, row.inputID) == row)
    }
}
