import Foundation
import MeerkatCore
import MeerkatRuntime
import Testing

/// A store that changes an input row between recovery's load and its commit (whose swaps expect the row it read),
/// like a concurrent writer.
actor RacingRuntimeStore: RuntimeStore {
    let inner: InMemoryRuntimeStore
    private var raced = false

    init(_ inner: InMemoryRuntimeStore) { self.inner = inner }

    func compareAndSwapInput(_ runtime: LogicalRuntimeID, expected: StoredInputState, next: StoredInputState?)
        async throws(RuntimeStoreError) -> Bool
    {
        try await inner.compareAndSwapInput(runtime, expected: expected, next: next)
    }

    func loadInputs(_ runtime: LogicalRuntimeID) async throws(RuntimeStoreError) -> [StoredInputState] {
        try await inner.loadInputs(runtime)
    }

    func loadInput(_ runtime: LogicalRuntimeID, _ id: InputID) async throws(RuntimeStoreError) -> StoredInputState? {
        try await inner.loadInput(runtime, id)
    }

    func loadInput(_ runtime: LogicalRuntimeID, idempotencyKey: IdempotencyKey) async throws(RuntimeStoreError)
        -> StoredInputState?
    {
        try await inner.loadInput(runtime, idempotencyKey: idempotencyKey)
    }

    func writeInputs(_ runtime: LogicalRuntimeID, _ rows: [StoredInputState]) async throws(RuntimeStoreError) {
        try await inner.writeInputs(runtime, rows)
    }

    func atomicApply(_ runtime: LogicalRuntimeID, _ commit: BoundaryCommit) async throws(RuntimeStoreError) {
        if !raced, let swap = commit.swaps.first,
            var current = try await inner.loadInput(runtime, swap.expected.inputID)
        {
            raced = true
            current.state.recoveryCount += 41
            await inner.seed(runtime, rows: [current])
        }
        try await inner.atomicApply(runtime, commit)
    }

    func loadReceipts(_ runtime: LogicalRuntimeID) async throws(RuntimeStoreError) -> [RunBoundaryReceipt] {
        try await inner.loadReceipts(runtime)
    }

    func loadLifecycle(_ runtime: LogicalRuntimeID) async throws(RuntimeStoreError) -> RuntimeLifecycleRow? {
        try await inner.loadLifecycle(runtime)
    }

    func saveLifecycle(_ runtime: LogicalRuntimeID, _ row: RuntimeLifecycleRow) async throws(RuntimeStoreError) {
        try await inner.saveLifecycle(runtime, row)
    }

    func loadSession(_ id: SessionID) async throws(RuntimeStoreError) -> Session? {
        try await inner.loadSession(id)
    }

    func loadRouting(_ runtime: LogicalRuntimeID) async throws(RuntimeStoreError) -> ModelRoutingState? {
        try await inner.loadRouting(runtime)
    }

    func saveRouting(_ runtime: LogicalRuntimeID, _ state: ModelRoutingState) async throws(RuntimeStoreError) {
        try await inner.saveRouting(runtime, state)
    }
}

/// RUNTIME.md §11.2: cold recovery of input rows, one named test per observed phase, plus the failure modes.
@Suite("Recovery table (RUNTIME.md §11.2)")
struct RecoveryTableTests {
    static let written = Date(timeIntervalSince1970: 1_790_000_000)

    /// A row as a dead process left it.
    static func row(
        _ input: Input, _ seed: InputStateSeed, durability: InputDurability? = .durable,
        context: AdmissionContext = .idle
    ) throws -> StoredInputState {
        let plan = try PolicyTable.resolve(input, context: context)
        var state = InputState(admitting: input, plan: plan, at: written)
        state.durability = durability
        state.recordTransition(from: .accepted, to: .queued, reason: "QueueAccepted", at: written)
        return StoredInputState(state: state, seed: seed)
    }

    static func queued(_ sequence: UInt64?, lane: InputLane = .queue) -> InputStateSeed {
        .queued(lane: lane, admissionSequence: sequence)
    }

    static func inFlight(_ phase: InputLifecycleState, run: RunID, boundary: UInt64? = nil, sequence: UInt64 = 1)
        -> InputStateSeed
    {
        InputStateSeed(
            phase: phase, lastRunID: run, lastBoundarySequence: boundary, admissionSequence: sequence, attemptCount: 1,
            recoveryLane: .queue)
    }

    static func receipt(_ run: RunID, _ sequence: UInt64, _ ids: [InputID]) -> RunBoundaryReceipt {
        RunBoundaryReceipt(
            runID: run, boundary: .runStart, contributingInputIDs: ids, messageCount: 2, sequence: sequence)
    }

    /// Seeds a fresh store with `rows` and opens the session over it.
    static func open(_ rows: [StoredInputState], receipts: [RunBoundaryReceipt] = []) async throws
        -> (SessionRuntime, RecoveryReport, InMemoryRuntimeStore)
    {
        let store = InMemoryRuntimeStore()
        let session = SessionID()
        await store.seed(.session(session), rows: rows, receipts: receipts)
        let (runtime, report) = try await SessionRuntime.open(session: session, store: store)
        return (runtime, report, store)
    }

    static func stored(_ store: InMemoryRuntimeStore, _ runtime: SessionRuntime, _ id: InputID) async throws
        -> StoredInputState?
    {
        try await store.loadInput(runtime.runtimeID, id)
    }

    // MARK: Rows

    @Test func terminalRows_areUntouchedButStillDeduplicateByKey() async throws {
        let run = RunID()
        let consumedInput = Inputs.prompt("done", key: "finished-key")
        var consumed = try Self.row(
            consumedInput,
            InputStateSeed(
                phase: .consumed, lastRunID: run, lastBoundarySequence: 1, admissionSequence: 1,
                terminalOutcome: .consumed, attemptCount: 1, recoveryLane: .queue))
        consumed.state.terminalCompletion = .completedWithoutResult
        let abandoned = try Self.row(
            Inputs.prompt("gave up"),
            InputStateSeed(
                phase: .abandoned, lastRunID: run, admissionSequence: 2,
                terminalOutcome: .abandoned(reason: .maxAttemptsExhausted(attempts: 3)), attemptCount: 3,
                recoveryLane: .queue))
        let (runtime, report, store) = try await Self.open([consumed, abandoned])
        #expect(report == RecoveryReport())
        #expect(try await Self.stored(store, runtime, consumed.inputID) == consumed)
        #expect(try await Self.stored(store, runtime, abandoned.inputID) == abandoned)
        #expect(await runtime.listActiveInputs().isEmpty)

        let writes = await store.writeCount
        let (dup, handle) = try await runtime.accept(Inputs.prompt("retry", key: "finished-key"), wantsCompletion: true)
        #expect(dup.isDeduplicated && dup.effectiveInputID == consumedInput.id)
        #expect(handle == nil)  // the existing input is terminal
        #expect(await store.writeCount == writes)
        #expect(try await runtime.inputTerminalCompletion(consumedInput.id) == .completedWithoutResult)
    }

    @Test func ephemeralNonTerminalRow_isDiscarded() async throws {
        let ephemeral = try Self.row(
            Inputs.prompt("lost", durability: .ephemeral), Self.queued(1), durability: .ephemeral)
        let (runtime, report, store) = try await Self.open([ephemeral])
        #expect(try await Self.stored(store, runtime, ephemeral.inputID) == nil)
        #expect(await runtime.listActiveInputs().isEmpty)
        #expect(report.inputsAbandoned == 1 && report.inputsRecovered == 0 && report.inputsRequeued == 0)
        #expect(report.details.contains { $0.contains("discarded") })
    }

    @Test(arguments: [InputDurability.durable, .derived, nil])
    func durableDerivedOrMissingDurability_isRetained(_ durability: InputDurability?) async throws {
        let kept = try Self.row(Inputs.prompt("kept"), Self.queued(1), durability: durability)
        let (runtime, report, store) = try await Self.open([kept])
        #expect(try await Self.stored(store, runtime, kept.inputID) == kept)
        #expect(await runtime.listActiveInputs() == [kept.inputID])
        #expect(report.inputsRecovered == 1 && report.inputsAbandoned == 0)
    }

    @Test func accepted_isQueuedWithReasonQueueAccepted() async throws {
        let accepted = try Self.row(
            Inputs.prompt("half admitted"), InputStateSeed(phase: .accepted, admissionSequence: 1))
        let (runtime, report, store) = try await Self.open([accepted])
        let row = try #require(try await Self.stored(store, runtime, accepted.inputID))
        #expect(row.phase == .queued && row.seed.recoveryLane == .queue && row.seed.admissionSequence == 1)
        #expect(
            row.state.history.last
                == InputStateHistoryEntry(
                    timestamp: row.state.updatedAt, from: .accepted, to: .queued, reason: "QueueAccepted"))
        #expect(row.state.recoveryCount == 1)
        #expect(report.inputsRecovered == 1 && report.inputsRequeued == 1)
        #expect(await runtime.listActiveInputs() == [accepted.inputID])
    }

    @Test func queued_keepsItsLaneAndOrderAndTheIdempotencyBinding() async throws {
        let a = try Self.row(Inputs.prompt("a", key: "key-a"), Self.queued(2))
        let b = try Self.row(Inputs.prompt("b"), Self.queued(5))
        let steer = try Self.row(Inputs.event("s", mode: .steer), Self.queued(3, lane: .steer))
        let unsequenced = try Self.row(Inputs.prompt("c"), Self.queued(nil))
        let rows = [b, unsequenced, steer, a]

        let plan = try RuntimeMachine.recover(
            runtimeID: "rt:pure", rows: rows, receiptExists: { _, _ in false }, now: Self.written)
        #expect(plan.machine.queued(.queue) == [a.inputID, b.inputID, unsequenced.inputID])
        #expect(plan.machine.queued(.steer) == [steer.inputID])
        #expect(plan.machine.facts(a.inputID)?.admissionSequence == 2)
        #expect(plan.machine.facts(b.inputID)?.admissionSequence == 5)
        #expect(plan.machine.facts(unsequenced.inputID)?.admissionSequence == 6)  // re-minted at the back
        // Written back: the re-minted order token, and the dead run's steer normalised to an ordinary queued turn (the
        // stored row is always the one derived from the machine).
        #expect(plan.rewrites.map(\.next.inputID) == [steer.inputID, unsequenced.inputID])
        #expect(plan.rewrites.first?.next.state.runtimeSemantics == plan.machine.facts(steer.inputID)?.semantics)
        #expect(plan.rewrites.first?.next.seed == steer.seed)  // same phase, lane and order: no history entry
        #expect(plan.rewrites.first?.next.state.history == steer.state.history)

        let (runtime, report, store) = try await Self.open(rows)
        #expect(await runtime.listActiveInputs() == [a.inputID, steer.inputID, b.inputID, unsequenced.inputID])
        #expect(try await Self.stored(store, runtime, a.inputID) == a)
        #expect(try await Self.stored(store, runtime, b.inputID) == b)
        #expect(try await Self.stored(store, runtime, steer.inputID) == plan.machine.facts(steer.inputID)?.row)
        #expect(try await Self.stored(store, runtime, unsequenced.inputID)?.seed.admissionSequence == 6)
        #expect(report.inputsRecovered == 4 && report.inputsRequeued == 0)
        let (dup, _) = try await runtime.accept(Inputs.prompt("retry", key: "key-a"))
        #expect(dup.effectiveInputID == a.inputID)
    }

    @Test func staged_isQueuedWithReasonRollbackStaged() async throws {
        let run = RunID()
        let staged = try Self.row(Inputs.prompt("was running"), Self.inFlight(.staged, run: run))
        let (runtime, report, store) = try await Self.open([staged])
        let row = try #require(try await Self.stored(store, runtime, staged.inputID))
        #expect(row.phase == .queued && row.seed.recoveryLane == .queue)
        #expect(row.seed.attemptCount == 1)
        #expect(row.seed.lastRunID == nil)  // RollbackStaged removes the run association
        #expect(row.state.history.last?.from == .staged && row.state.history.last?.reason == "RollbackStaged")
        #expect(report.inputsRecovered == 1 && report.inputsRequeued == 1)

        // It runs again as an ordinary turn once an executor attaches.
        let executor = TestExecutor()
        try await runtime.attach(executor)
        await settled(runtime)
        #expect(await executor.primitives.map(\.contributingInputIDs) == [[staged.inputID]])
        let finished = try #require(try await Self.stored(store, runtime, staged.inputID))
        #expect(finished.phase == .consumed && finished.seed.attemptCount == 2)
    }

    @Test(arguments: [InputLifecycleState.applied, .appliedPendingConsumption])
    func appliedWithItsReceipt_isConsumedWithReasonBoundaryReceiptCommitted(_ phase: InputLifecycleState) async throws {
        let run = RunID()
        let applied = try Self.row(Inputs.prompt("applied"), Self.inFlight(phase, run: run, boundary: 1))
        let (runtime, report, store) = try await Self.open(
            [applied], receipts: [Self.receipt(run, 1, [applied.inputID])])
        let row = try #require(try await Self.stored(store, runtime, applied.inputID))
        #expect(row.phase == .consumed && row.seed.terminalOutcome == .consumed)
        #expect(row.seed.lastRunID == run && row.seed.lastBoundarySequence == 1)
        #expect(row.state.history.last?.from == phase && row.state.history.last?.reason == "BoundaryReceiptCommitted")
        #expect(row.state.recoveryCount == 1)
        #expect(await runtime.listActiveInputs().isEmpty)
        #expect(report.inputsRecovered == 1 && report.inputsRequeued == 0)
        #expect(try await runtime.inputTerminalCompletion(applied.inputID) == .completedWithoutResult)
    }

    @Test(arguments: [InputLifecycleState.applied, .appliedPendingConsumption])
    func appliedWithoutItsReceipt_isQueuedWithReasonMissingBoundaryReceipt(_ phase: InputLifecycleState) async throws {
        let run = RunID()
        let missing = try Self.row(
            Inputs.prompt("no receipt"), Self.inFlight(phase, run: run, boundary: 2, sequence: 1))
        let unstamped = try Self.row(Inputs.prompt("no sequence"), Self.inFlight(phase, run: run, sequence: 2))
        // A receipt exists for the run, but not at the sequence the first row names.
        let (runtime, report, store) = try await Self.open(
            [missing, unstamped], receipts: [Self.receipt(run, 1, [])])
        for id in [missing.inputID, unstamped.inputID] {
            let row = try #require(try await Self.stored(store, runtime, id))
            #expect(row.phase == .queued && row.seed.terminalOutcome == nil)
            #expect(row.state.history.last?.from == phase && row.state.history.last?.reason == "MissingBoundaryReceipt")
        }
        #expect(await runtime.listActiveInputs() == [missing.inputID, unstamped.inputID])
        #expect(report.inputsRecovered == 2 && report.inputsRequeued == 2)
    }

    @Test func appliedWithNoPossibleReceiptObservation_isLeftUnchanged() throws {
        let run = RunID()
        let applied = try Self.row(
            Inputs.prompt("in memory"), Self.inFlight(.appliedPendingConsumption, run: run, boundary: 1))
        let plan = try RuntimeMachine.recover(
            runtimeID: "rt:pure", rows: [applied], receiptExists: { _, _ in nil }, now: Self.written)
        #expect(plan.rewrites.isEmpty && plan.discards.isEmpty)
        let facts = try #require(plan.machine.facts(applied.inputID))
        #expect(facts.phase == .appliedPendingConsumption && facts.lastRunID == run && facts.lane == nil)
        #expect(plan.report.inputsRecovered == 1 && plan.report.inputsRequeued == 0)
    }

    @Test func steerLaneRows_comeBackNormalisedToOrdinaryTurns() async throws {
        let running = AdmissionContext(running: true, boundaryAvailable: true)
        let liveQueued = try Self.row(
            Inputs.peer("steer me", mode: .steer), Self.queued(1, lane: .steer), context: running)
        let liveStaged = try Self.row(
            Inputs.peer("was being steered", mode: .steer),
            InputStateSeed(
                phase: .staged, lastRunID: RunID(), admissionSequence: 2, attemptCount: 1, recoveryLane: .steer),
            context: running)
        #expect(try #require(liveQueued.state.runtimeSemantics).contributesLiveSteerContext)

        let plan = try RuntimeMachine.recover(
            runtimeID: "rt:pure", rows: [liveQueued, liveStaged], receiptExists: { _, _ in false }, now: Self.written)
        #expect(plan.machine.queued(.steer) == [liveQueued.inputID, liveStaged.inputID])
        for id in [liveQueued.inputID, liveStaged.inputID] {
            let semantics = try #require(plan.machine.facts(id)).semantics
            #expect(!semantics.contributesLiveSteerContext && !semantics.liveInterruptRequired)
            #expect(semantics.executionHandlingMode == .queue)
        }
        #expect(plan.machine.liveSteerCandidates().isEmpty)

        let (runtime, _, store) = try await Self.open([liveQueued, liveStaged])
        let rewritten = try #require(try await Self.stored(store, runtime, liveStaged.inputID))
        #expect(rewritten.phase == .queued && rewritten.seed.recoveryLane == .steer)
        #expect(rewritten.state.runtimeSemantics?.executionHandlingMode == .queue)
        #expect(rewritten.state.runtimeSemantics?.liveInterruptRequired == false)
    }

    // MARK: Failure modes

    @Test func activeRowWithoutPersistedInput_isRecoveryCorruption() async throws {
        var orphan = try Self.row(Inputs.prompt("payload lost"), Self.queued(1))
        orphan.state.persistedInput = nil
        var noSemantics = try Self.row(Inputs.prompt("semantics lost"), Self.queued(1))
        noSemantics.state.runtimeSemantics = nil
        for broken in [orphan, noSemantics] {
            do {
                _ = try await Self.open([broken])
                Issue.record("recovery must refuse a row it cannot replay")
            } catch {
                guard case .recoveryCorruption(let reason)? = error as? RuntimeDriverError else {
                    Issue.record("expected recovery_corruption, got \(error)")
                    continue
                }
                #expect(reason.contains(broken.inputID.description))
            }
        }
    }

    @Test func casLostDuringRecovery_isRecoveryBackoff() async throws {
        let inner = InMemoryRuntimeStore()
        let session = SessionID()
        let staged = try Self.row(Inputs.prompt("contended"), Self.inFlight(.staged, run: RunID()))
        await inner.seed(.session(session), rows: [staged])
        do {
            _ = try await SessionRuntime.open(session: session, store: RacingRuntimeStore(inner))
            Issue.record("a lost compare-and-swap must not be ignored")
        } catch {
            guard case .recoveryBackoff = error else {
                Issue.record("expected recovery_backoff, got \(error)")
                return
            }
            #expect(error.isRetryable)
        }
        // The concurrent writer's row survives; recovery did not overwrite it, and wrote nothing else either (its
        // lifecycle row is part of the same transaction).
        #expect(try await inner.loadInput(.session(session), staged.inputID)?.state.recoveryCount == 41)
        #expect(try await inner.loadLifecycle(.session(session)) == nil)
        // A retry against the settled store succeeds.
        let (_, report) = try await SessionRuntime.open(session: session, store: inner)
        #expect(report.inputsRequeued == 1)
    }

    /// RUNTIME.md §11.3: a missing or idle lifecycle row is already what reconciliation writes, so an open with nothing
    /// to recover writes nothing (a fresh session opens without a write); any other row is replaced by a clean idle one.
    @Test func lifecycleRow_isRewrittenOnlyWhenNotConverged() async throws {
        let store = InMemoryRuntimeStore()
        let fresh = SessionID()
        let (opened, _) = try await SessionRuntime.open(session: fresh, store: store)
        #expect(await store.writeCount == 0)
        #expect(try await store.loadLifecycle(.session(fresh)) == nil)
        #expect(await opened.state == .idle)

        let idle = SessionID()
        try await store.saveLifecycle(.session(idle), RuntimeLifecycleRow(state: .idle, updatedAt: Date()))
        let writes = await store.writeCount
        _ = try await SessionRuntime.open(session: idle, store: store)
        #expect(await store.writeCount == writes)

        for state in [RuntimeState.attached, .running, .retired, .stopped] {
            let stale = SessionID()
            try await store.saveLifecycle(.session(stale), RuntimeLifecycleRow(state: state, updatedAt: Date()))
            let (runtime, _) = try await SessionRuntime.open(session: stale, store: store)
            #expect(try await store.loadLifecycle(.session(stale))?.state == .idle, "stored \(state)")
            #expect(await runtime.state == .idle)
        }

        // Rows to recover are written with the lifecycle row in one transaction, as before.
        let session = SessionID()
        await store.seed(
            .session(session), rows: [try Self.row(Inputs.prompt("staged"), Self.inFlight(.staged, run: RunID()))])
        _ = try await SessionRuntime.open(session: session, store: store)
        #expect(try await store.loadLifecycle(.session(session))?.state == .idle)
    }

    @Test func recoveryReport_countsEachDecision() async throws {
        let run = RunID()
        let rows = [
            try Self.row(Inputs.prompt("queued 1"), Self.queued(1)),
            try Self.row(Inputs.prompt("queued 2"), Self.queued(2)),
            try Self.row(Inputs.prompt("accepted"), InputStateSeed(phase: .accepted, admissionSequence: 3)),
            try Self.row(Inputs.prompt("staged"), Self.inFlight(.staged, run: run, sequence: 4)),
            try Self.row(Inputs.prompt("applied"), Self.inFlight(.applied, run: run, boundary: 1, sequence: 5)),
            try Self.row(
                Inputs.prompt("apc"), Self.inFlight(.appliedPendingConsumption, run: run, boundary: 9, sequence: 6)),
            try Self.row(Inputs.prompt("ephemeral", durability: .ephemeral), Self.queued(7), durability: .ephemeral),
            try Self.row(
                Inputs.prompt("terminal"),
                InputStateSeed(phase: .consumed, admissionSequence: 8, terminalOutcome: .consumed, attemptCount: 1)),
        ]
        let (runtime, report, _) = try await Self.open(rows, receipts: [Self.receipt(run, 1, [rows[4].inputID])])
        // Recovered: both queued, accepted, staged, applied (→ consumed), APC (→ queued).
        #expect(report.inputsRecovered == 6)
        // Requeued: accepted, staged, APC without its receipt.
        #expect(report.inputsRequeued == 3)
        // Abandoned: the discarded ephemeral row.
        #expect(report.inputsAbandoned == 1)
        #expect(report.details.count == 5)
        #expect(
            await runtime.listActiveInputs() == [rows[0], rows[1], rows[2], rows[3], rows[5]].map(\.inputID))
    }
}
