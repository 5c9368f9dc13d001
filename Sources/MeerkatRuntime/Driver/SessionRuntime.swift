public import Foundation
public import MeerkatCore

/// The result of a hard interrupt request (RUNTIME.md §10).
public enum InterruptResult: String, Sendable, Hashable, Codable {
    /// The current run was cancelled, or nothing was running (a successful no-op).
    case interrupted
    /// The named run is not the current one; nothing was cancelled (a stale id never cancels a successor).
    case notFound = "not_found"
}

/// One session's runtime: the thin shell around its `RuntimeMachine`. It owns the store, the executor, the completion
/// waiters and the run loop, and decides nothing: every command takes the gate, asks the machine for a step (next
/// state plus effects), writes the step's durable effects in one store transaction, and only then adopts the step
/// and performs its in-memory effects (`perform`). A failed write leaves the machine as it was and surfaces a typed
/// error. At most one run is in flight.
public actor SessionRuntime {
    public nonisolated let sessionID: SessionID
    public nonisolated let runtimeID: LogicalRuntimeID
    /// Observability events (RUNTIME.md §15).
    public nonisolated let events = RuntimeEventStream()

    /// The only owner of runtime and input state; the stored row of a tracked input is derived from it.
    var machine: RuntimeMachine
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
    /// A run an admission staged in its own write (`accept`), for the loop to start.
    var prestagedRun: MachineEffects.StartRun?
    let now: @Sendable () -> Date
    /// The mutation gate: every command that changes the machine holds it, so an `await` inside one command can
    /// never interleave with another command's changes (RUNTIME.md §0).
    private var gateHeld = false
    /// The layer that resolves identities against the model registry and applies them to the live session
    /// (RUNTIME.md §12 "requires an installed reconfigure host").
    var reconfigureHost: (any LLMReconfigureHost)?
    private var gateQueue: [CheckedContinuation<Void, Never>] = []

    init(sessionID: SessionID, machine: RuntimeMachine, store: any RuntimeStore, now: @escaping @Sendable () -> Date) {
        self.sessionID = sessionID
        self.runtimeID = machine.runtimeID
        self.machine = machine
        self.store = store
        self.now = now
    }

    /// Registers a session's runtime: recovers durable rows (RUNTIME.md §11.2–11.4) and comes back `idle`, whatever
    /// lifecycle state a dead process left behind. Recovery reads the rows, receipts, transcript and routing row,
    /// decides everything in memory (the open run's tail, each row's normalisation, the routing row), and writes the
    /// result in one transaction: every changed row is swapped from exactly the row that was read, so a row another
    /// writer changed meanwhile fails the whole recovery with `recovery_backoff` and nothing is written.
    ///
    /// With `newSession`, the caller states that it created the session a moment ago (a fresh id, saved under its own
    /// lease): no runtime row can exist yet, so nothing is read and nothing is written.
    public static func open(
        session: SessionID, store: any RuntimeStore, newSession: Bool = false,
        now: @escaping @Sendable () -> Date = { Date() }
    ) async throws(RuntimeDriverError) -> (SessionRuntime, RecoveryReport) {
        let runtimeID = LogicalRuntimeID.session(session)
        let stamp = now()
        if newSession {
            let plan = try RuntimeMachine.recover(
                runtimeID: runtimeID, rows: [], receiptExists: { _, _ in false }, now: stamp)
            return (SessionRuntime(sessionID: session, machine: plan.machine, store: store, now: now), plan.report)
        }
        let rows: [StoredInputState]
        let receipts: [RunBoundaryReceipt]
        let transcript: Session?
        let storedRouting: ModelRoutingState?
        let storedLifecycle: RuntimeLifecycleRow?
        do {
            let snapshot = try await store.loadRecoverySnapshot(runtimeID, session: session)
            rows = snapshot.rows
            receipts = snapshot.receipts
            transcript = snapshot.session
            storedRouting = snapshot.routing
            storedLifecycle = snapshot.lifecycle
        } catch {
            throw Self.driverError(error)
        }
        let tail = closeDurableTail(session: transcript, rows: rows, receipts: receipts, now: stamp)
        let tailRows = Dictionary(tail?.rows.map { ($0.inputID, $0) } ?? [], uniquingKeysWith: { $1 })
        let committed = Set((receipts + [tail?.receipt].compactMap { $0 }).map { "\($0.runID)#\($0.sequence)" })
        var plan = try RuntimeMachine.recover(
            runtimeID: runtimeID, rows: rows.map { tailRows[$0.inputID] ?? $0 },
            receiptExists: { run, sequence in committed.contains("\(run)#\(sequence)") },
            now: stamp)
        // Routing state: recovered whole; an operation override a dead process left active is restored.
        var routing: ModelRoutingState?
        if let storedRouting {
            let closed = plan.machine.recoverRouting(storedRouting)
            if plan.machine.routing != storedRouting {
                routing = plan.machine.routing
                plan.report.details.append(
                    "routing: \(closed.count) image operations closed as failed, no operation override active")
            }
        }
        let commit = BoundaryCommit(
            receipt: tail?.receipt, session: tail?.session,
            lifecycle: RuntimeLifecycleRow(state: .idle, updatedAt: stamp), routing: routing,
            swaps: plan.swaps(from: rows, changedBefore: tail?.rows ?? []))
        // Nothing to recover and a lifecycle row that is missing or already idle (reconciliation would write the same
        // clean idle row, RUNTIME.md §11.3): nothing is written. A fresh session opens without a write transaction.
        let converged = storedLifecycle == nil || storedLifecycle?.state == .idle
        if !(converged && commit.receipt == nil && commit.session == nil && commit.routing == nil
            && commit.inputs.isEmpty
            && commit.swaps.isEmpty)
        {
            do throws(RuntimeStoreError) {
                try await store.atomicApply(runtimeID, commit)
            } catch {
                throw Self.driverError(error)
            }
        }
        let runtime = SessionRuntime(sessionID: session, machine: plan.machine, store: store, now: now)
        var report = plan.report
        if let recovery = tail?.recovery {
            report.inputsAbandoned += recovery.abandonedInputs.count
            report.details.append(
                "run \(recovery.runID): durable tail closed (\(recovery.closedToolUseIDs.count) dangling tool calls; "
                    + "\(recovery.consumedInputs.count) inputs consumed, \(recovery.continuedInputs.count) "
                    + "continued from the transcript, \(recovery.abandonedInputs.count) abandoned)")
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
        if let facts = machine.inputs[id] { return facts.row }
        do {
            return try await store.loadInput(runtimeID, id)
        } catch {
            throw Self.driverError(error)
        }
    }

    /// The input bound to an idempotency key: live first, then the durable index.
    public func inputState(idempotencyKey: IdempotencyKey) async throws(RuntimeDriverError) -> StoredInputState? {
        if let id = machine.idempotency[idempotencyKey], let facts = machine.inputs[id] { return facts.row }
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
            try await perform(decide { machine throws(MachineGuardError) in try machine.attach() })
            self.executor = executor
        }
        if !machine.activeInputIDs.isEmpty { wake() }
    }

    /// Sets the silent comms intents (RUNTIME.md §2.5).
    public func setSilentIntents(_ intents: Set<String>) async {
        await lockGate()
        defer { unlockGate() }
        machine.adopt(machine.step(at: now()) { machine in machine.silentIntents = intents })
    }

    // MARK: Steps and their effects

    /// Asks the machine for the step of one event, decided at the runtime's clock (nothing changes yet).
    func decide<T: Sendable>(_ event: (inout RuntimeMachine) throws(MachineGuardError) -> T) throws(RuntimeDriverError)
        -> MachineStep<T>
    {
        if unregistered { throw .notFound(runtimeID: runtimeID) }
        do {
            return try machine.step(at: now(), event)
        } catch {
            throw error.driverError
        }
    }

    /// Durable before visible, the one way the runtime changes: writes the step's durable effects in one store
    /// transaction; only when that succeeded the machine adopts the step and its in-memory effects are performed
    /// (events, waiters, wake, executor hand-off). On failure the machine is left exactly as it was and the store
    /// error is thrown, typed. Must be called with the gate held.
    @discardableResult
    func perform<T: Sendable>(_ step: MachineStep<T>) async throws(RuntimeDriverError) -> T {
        try await write(step.effects)
        return await adoptWritten(step)
    }

    /// The second half of `perform`: adopts a step whose durable effects are written and performs its in-memory
    /// effects.
    @discardableResult
    func adoptWritten<T: Sendable>(_ step: MachineStep<T>) async -> T {
        let effects = step.effects
        machine.adopt(step)
        publish(effects.events)
        for completion in effects.completions { resolve(completion.inputID, .success(completion.outcome)) }
        if effects.wake { wakeRequested = true }
        if effects.detachExecutor { executor = nil }
        if let reason = effects.stopExecutor, let stopping = executor {
            executor = nil
            await stopping.stop(reason: reason)
        }
        return step.value
    }

    /// Writes a step's durable effects in one transaction (nothing when it has none).
    func write(_ effects: MachineEffects) async throws(RuntimeDriverError) {
        guard effects.isDurable else { return }
        let commit = effects.commit
        do {
            if commit.onlyInputs {
                try await store.writeInputs(runtimeID, commit.inputs)
            } else {
                try await store.atomicApply(runtimeID, commit)
            }
        } catch {
            throw Self.driverError(error)
        }
    }

    func publish(_ kinds: [RuntimeEventKind]) {
        // Without a subscriber nothing is built: no id is minted, no clock read.
        guard !kinds.isEmpty, events.hasSubscribers else { return }
        let stamp = now()
        events.publish(kinds.map { RuntimeEvent(timestamp: stamp, runtimeID: runtimeID, kind: $0) })
    }

    /// Hands the executor off without a stop (its outcome could not be recorded): nothing else runs on top of it
    /// until the session is reopened or recycled. Changes nothing durable.
    func detachExecutor() {
        executor = nil
        let step = machine.step(at: now()) { machine in machine.detach() }
        machine.adopt(step)
        publish(step.effects.events)
    }

    func resolve(_ id: InputID, _ result: Result<CompletionOutcome, CompletionWaitError>) {
        guard let pending = waiters.removeValue(forKey: id) else { return }
        for waiter in pending { waiter.resume(returning: result) }
    }

    /// Waits for an input's outcome (or returns the recorded one).
    func waitForCompletion(_ id: InputID) async -> Result<CompletionOutcome, CompletionWaitError> {
        if unregistered { return .success(.runtimeTerminated(reason: CompletionOutcome.sessionUnregisteredReason)) }
        if machine.inputs[id] == nil {
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
}
