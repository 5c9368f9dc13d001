public import Foundation
public import MeerkatCore

/// The result of a hard interrupt request (RUNTIME.md §10).
public enum InterruptResult: String, Sendable, Hashable, Codable {
    /// The current run was cancelled, or nothing was running (a successful no-op).
    case interrupted
    /// The named run is not the current one; nothing was cancelled (a stale id never cancels a successor).
    case notFound = "not_found"
}

/// One session's runtime: owns the `RuntimeMachine`, the input ledger, the store, the completion waiters and the
/// run loop. Control operations are linearised through the actor; at most one run is in flight.
public actor SessionRuntime {
    public nonisolated let sessionID: SessionID
    public nonisolated let runtimeID: LogicalRuntimeID
    /// Observability events (RUNTIME.md §15).
    public nonisolated let events = RuntimeEventStream()

    var machine: RuntimeMachine
    /// Stored rows of inputs the machine still tracks.
    var ledger: [InputID: StoredInputState] = [:]
    let store: any RuntimeStore
    var executor: (any CoreExecutor)?
    var loop: Task<Void, Never>?
    var wakeRequested = false
    var waiters: [InputID: [CheckedContinuation<Result<CompletionOutcome, CompletionWaitError>, Never>]] = [:]
    /// A pending cancel-after-boundary request, scoped to the run it was made for.
    var cancelAfterBoundaryRequest: (run: RunID, reason: String)?
    var unregistered = false
    /// Failures on paths no caller waits on (published as `backgroundFailure` events).
    public internal(set) var backgroundFailureCount = 0
    /// The run that was asked to yield (interrupt_yielding) and has not reached a boundary since.
    var yieldRequestedRun: RunID?
    let now: @Sendable () -> Date
    /// The mutation gate: every command that changes the machine holds it, so an `await` inside one command can
    /// never interleave with another command's changes (RUNTIME.md §0).
    private var gateHeld = false
    /// The layer that resolves identities against the model registry and applies them to the live session
    /// (RUNTIME.md §12 "requires an installed reconfigure host").
    var reconfigureHost: (any LLMReconfigureHost)?
    private var gateQueue: [CheckedContinuation<Void, Never>] = []

    init(
        sessionID: SessionID, machine: RuntimeMachine, ledger: [InputID: StoredInputState], store: any RuntimeStore,
        now: @escaping @Sendable () -> Date
    ) {
        self.sessionID = sessionID
        self.runtimeID = machine.runtimeID
        self.machine = machine
        self.ledger = ledger
        self.store = store
        self.now = now
    }

    /// Registers a session's runtime: recovers durable rows (RUNTIME.md §11.2–11.3) and comes back `idle`, whatever
    /// lifecycle state a dead process left behind.
    public static func open(
        session: SessionID, store: any RuntimeStore, now: @escaping @Sendable () -> Date = { Date() }
    ) async throws(RuntimeDriverError) -> (SessionRuntime, RecoveryReport) {
        let runtimeID = LogicalRuntimeID.session(session)
        var rows: [StoredInputState]
        let receipts: [RunBoundaryReceipt]
        var tailRecovery: DurableTailRecovery?
        do {
            rows = try await store.loadInputs(runtimeID)
            (rows, tailRecovery) = try await recoverDurableTail(
                session: session, runtimeID: runtimeID, rows: rows, store: store, now: now())
            receipts = try await store.loadReceipts(runtimeID)
        } catch {
            throw Self.driverError(error)
        }
        let committed = Set(receipts.map { "\($0.runID)#\($0.sequence)" })
        var plan = try RuntimeMachine.recover(
            runtimeID: runtimeID, rows: rows,
            receiptExists: { run, sequence in committed.contains("\(run)#\(sequence)") },
            now: now())
        do {
            for (previous, next) in plan.rewrites {
                guard try await store.compareAndSwapInput(runtimeID, expected: previous, next: next) else {
                    throw RuntimeDriverError.recoveryBackoff(
                        reason: "input \(previous.inputID) changed during recovery")
                }
            }
            for row in plan.discards {
                guard try await store.compareAndSwapInput(runtimeID, expected: row, next: nil) else {
                    throw RuntimeDriverError.recoveryBackoff(reason: "input \(row.inputID) changed during recovery")
                }
            }
            try await store.saveLifecycle(runtimeID, RuntimeLifecycleRow(state: .idle, updatedAt: now()))
            // Routing state: recovered whole; an operation override a dead process left active is restored.
            if let stored = try await store.loadRouting(runtimeID) {
                let closed = plan.machine.recoverRouting(stored)
                if plan.machine.routing != stored {
                    try await store.saveRouting(runtimeID, plan.machine.routing)
                    plan.report.details.append(
                        "routing: \(closed.count) image operations closed as failed, no operation override active")
                }
            }
        } catch let error as RuntimeDriverError {
            throw error
        } catch let error as RuntimeStoreError {
            throw Self.driverError(error)
        } catch {
            throw .internal("\(error)")
        }
        var ledger: [InputID: StoredInputState] = [:]
        let rewritten = Dictionary(plan.rewrites.map { ($0.next.inputID, $0.next) }, uniquingKeysWith: { $1 })
        for row in rows where plan.machine.inputs[row.inputID] != nil {
            ledger[row.inputID] = rewritten[row.inputID] ?? row
        }
        let runtime = SessionRuntime(sessionID: session, machine: plan.machine, ledger: ledger, store: store, now: now)
        var report = plan.report
        if let tailRecovery {
            report.inputsAbandoned += tailRecovery.runHadFinished ? 0 : tailRecovery.terminalisedInputs.count
            report.details.append(
                "run \(tailRecovery.runID): durable tail closed (\(tailRecovery.closedToolUseIDs.count) dangling tool calls, "
                    + "\(tailRecovery.terminalisedInputs.count) inputs terminalised)")
        }
        return (runtime, report)
    }

    /// The driver-level error for a store failure.
    public static func driverError(_ error: RuntimeStoreError) -> RuntimeDriverError {
        switch error {
        case .unavailable(let message), .conflict(let message): .recoveryBackoff(reason: message)
        case .corrupt(let message): .recoveryCorruption(reason: message)
        case .ownedElsewhere(let message): .staleAuthority(reason: message)
        case .io(let message): .internal(message)
        }
    }

    // MARK: Mutation gate

    func lockGate() async {
        if !gateHeld {
            gateHeld = true
            return
        }
        await withCheckedContinuation { gateQueue.append($0) }
    }

    func unlockGate() {
        if gateQueue.isEmpty {
            gateHeld = false
        } else {
            gateQueue.removeFirst().resume()  // hand the gate over directly, FIFO
        }
    }

    /// Runs a mutating command while holding the gate.
    func gated<T>(_ body: () async throws(RuntimeDriverError) -> T) async throws(RuntimeDriverError) -> T {
        await lockGate()
        defer { unlockGate() }
        return try await body()
    }

    /// True while `run` was asked to yield and has not reached a boundary since.
    func yieldRequested(run: RunID) -> Bool {
        yieldRequestedRun == run && machine.currentRun == run
    }

    // MARK: Queries

    /// The current runtime state.
    public var state: RuntimeState { machine.state }

    /// The run in progress, if any.
    public var currentRunID: RunID? { machine.currentRun }

    /// Ids of active inputs in admission order.
    public func listActiveInputs() -> [InputID] { machine.activeInputIDs }

    /// The input's row: live if the machine tracks it, otherwise the durable one.
    public func inputState(_ id: InputID) async throws(RuntimeDriverError) -> StoredInputState? {
        if let row = ledger[id] { return row }
        do {
            return try await store.loadInput(runtimeID, id)
        } catch {
            throw Self.driverError(error)
        }
    }

    /// The input bound to an idempotency key: live first, then the durable index.
    public func inputState(idempotencyKey: IdempotencyKey) async throws(RuntimeDriverError) -> StoredInputState? {
        if let id = machine.idempotency[idempotencyKey], let row = ledger[id] { return row }
        do {
            return try await store.loadInput(runtimeID, idempotencyKey: idempotencyKey)
        } catch {
            throw Self.driverError(error)
        }
    }

    /// The recorded completion outcome of a finished input (nil while it is not finalised).
    public func inputTerminalCompletion(_ id: InputID) async throws(RuntimeDriverError) -> CompletionOutcome? {
        guard let row = try await inputState(id), row.isTerminal else { return nil }
        return row.state.terminalCompletion
            ?? CompletionClassifier.outcome(forTerminal: row.seed.terminalOutcome ?? .consumed)
    }

    // MARK: Executor

    /// Attaches the executor (idle/stopped → attached) and wakes the loop when work is waiting.
    public func attach(_ executor: any CoreExecutor) async throws(RuntimeDriverError) {
        try await gated { () throws(RuntimeDriverError) in
            try guarded { machine throws(MachineGuardError) in try machine.attach() }
            self.executor = executor
            publishEvents()
        }
        if !machine.activeInputIDs.isEmpty { wake() }
    }

    /// Sets the silent comms intents (RUNTIME.md §2.5).
    public func setSilentIntents(_ intents: Set<String>) {
        machine.silentIntents = intents
    }

    func guarded<T>(_ body: (inout RuntimeMachine) throws(MachineGuardError) -> T) throws(RuntimeDriverError) -> T {
        if unregistered { throw .notFound(runtimeID: runtimeID) }
        do {
            return try body(&machine)
        } catch {
            throw error.driverError
        }
    }

    // MARK: Rows, events, waiters

    /// Rows for inputs after machine changes, with history entries for phase changes and recorded outcomes.
    func rows(
        for ids: [InputID], in decided: RuntimeMachine? = nil, reason: String?,
        outcomes: [InputID: CompletionOutcome] = [:], recordLaneChange: Bool = false
    ) -> [StoredInputState] {
        let machine = decided ?? self.machine
        return ids.compactMap { id -> StoredInputState? in
            guard var row = ledger[id], let facts = machine.inputs[id] else { return nil }
            let from = row.seed.phase
            let seedChanged = row.seed != facts.seed
            row.seed = facts.seed
            row.state.runtimeSemantics = facts.semantics
            if from != facts.phase || (recordLaneChange && seedChanged) {
                row.state.recordTransition(from: from, to: facts.phase, reason: reason, at: now())
            }
            if let outcome = outcomes[id] { row.state.terminalCompletion = outcome }
            return row
        }
    }

    /// Adopts a decided machine whose rows are durable, then publishes its events.
    func adopt(_ decided: RuntimeMachine, _ rows: [StoredInputState]) {
        machine = decided
        adopt(rows)
        publishEvents()
    }

    /// Adopts durably written rows; terminal inputs leave the live machine (the store keeps them).
    func adopt(_ rows: [StoredInputState]) {
        for row in rows {
            if row.isTerminal {
                ledger.removeValue(forKey: row.inputID)
                machine.archiveIfTerminal(row.inputID)
            } else {
                ledger[row.inputID] = row
            }
        }
    }

    func publishEvents() {
        let kinds = machine.takeEvents()
        guard !kinds.isEmpty else { return }
        let stamp = now()
        events.publish(kinds.map { RuntimeEvent(timestamp: stamp, runtimeID: runtimeID, kind: $0) })
    }

    func resolve(_ id: InputID, _ result: Result<CompletionOutcome, CompletionWaitError>) {
        guard let pending = waiters.removeValue(forKey: id) else { return }
        for waiter in pending { waiter.resume(returning: result) }
    }

    /// Waits for an input's outcome (or returns the recorded one).
    func waitForCompletion(_ id: InputID) async -> Result<CompletionOutcome, CompletionWaitError> {
        if unregistered { return .success(.runtimeTerminated(reason: CompletionOutcome.sessionUnregisteredReason)) }
        if ledger[id] == nil {
            do {
                if let outcome = try await inputTerminalCompletion(id) { return .success(outcome) }
                return .failure(.authorityUnavailable("input \(id) is not known to this runtime"))
            } catch {
                return .failure(.authorityUnavailable("\(error)"))
            }
        }
        return await withCheckedContinuation { continuation in
            waiters[id, default: []].append(continuation)
        }
    }

    /// Commits rows of inputs terminalised outside a run (control operations), decided on `draft`, then adopts it and
    /// resolves their waiters. On failure nothing changes: the inputs stay active and their waiters keep waiting.
    func settleAbandoned(_ draft: RuntimeMachine, _ ids: [InputID]) async throws(RuntimeDriverError) {
        var outcomes: [InputID: CompletionOutcome] = [:]
        for id in ids {
            if let terminal = draft.inputs[id]?.terminal {
                outcomes[id] = CompletionClassifier.outcome(forTerminal: terminal)
            }
        }
        let rows = rows(for: ids, in: draft, reason: "control", outcomes: outcomes)
        do {
            try await store.atomicApply(runtimeID, BoundaryCommit(inputs: rows, lifecycle: lifecycleRow(draft)))
        } catch {
            throw Self.driverError(error)
        }
        adopt(draft, rows)
        for (id, outcome) in outcomes { resolve(id, .success(outcome)) }
    }

    /// The lifecycle row of `decided` (default: the current machine).
    func lifecycleRow(_ decided: RuntimeMachine? = nil) -> RuntimeLifecycleRow {
        let machine = decided ?? self.machine
        return RuntimeLifecycleRow(
            state: machine.state.durableProjection(preRunPhase: machine.preRunPhase), updatedAt: now())
    }
}
