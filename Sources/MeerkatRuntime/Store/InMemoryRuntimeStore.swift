import Foundation
public import MeerkatCore

/// The ephemeral `RuntimeStore` (and `SessionStore` over the same sessions): process memory, atomic per call. Tests
/// can make writes fail to check that nothing partial survives.
public actor InMemoryRuntimeStore: RuntimeStore, SessionStore {
    private struct Runtime {
        var inputs: [InputID: StoredInputState] = [:]
        var idempotency: [IdempotencyKey: InputID] = [:]
        var receipts: [ReceiptKey: RunBoundaryReceipt] = [:]
        var lifecycle: RuntimeLifecycleRow?
        var routing: ModelRoutingState?
    }

    private var runtimes: [LogicalRuntimeID: Runtime] = [:]
    private var sessions = SessionTable()
    private var failWrites: RuntimeStoreError?
    /// Number of successful write calls (for tests that prove a dedup wrote nothing).
    public private(set) var writeCount = 0

    public init() {}

    /// Makes every later write fail with `error` (nil restores normal behaviour).
    public func failWrites(with error: RuntimeStoreError?) {
        failWrites = error
        failAfter = nil
    }

    /// Lets the next `successes` write calls through, then makes every later write fail with `error` until
    /// `failWrites(with: nil)`: a failure injected at a chosen point inside a multi-write operation.
    public func failWrites(afterSuccesses successes: Int, with error: RuntimeStoreError) {
        failWrites = nil
        failAfter = (successes, error)
    }

    private var failAfter: (remaining: Int, error: RuntimeStoreError)?

    /// Throws the injected failure for a write that must fail.
    private func checkWrite() throws(RuntimeStoreError) {
        if let (remaining, error) = failAfter {
            if remaining == 0 {
                failWrites = error
                failAfter = nil
            } else {
                failAfter = (remaining - 1, error)
            }
        }
        if let failWrites { throw failWrites }
    }

    public func loadInputs(_ runtime: LogicalRuntimeID) throws(RuntimeStoreError) -> [StoredInputState] {
        Array(runtimes[runtime]?.inputs.values ?? [:].values)
    }

    public func loadInput(_ runtime: LogicalRuntimeID, _ id: InputID) throws(RuntimeStoreError) -> StoredInputState? {
        runtimes[runtime]?.inputs[id]
    }

    public func loadInput(_ runtime: LogicalRuntimeID, idempotencyKey: IdempotencyKey) throws(RuntimeStoreError)
        -> StoredInputState?
    {
        guard let id = runtimes[runtime]?.idempotency[idempotencyKey] else { return nil }
        return runtimes[runtime]?.inputs[id]
    }

    public func writeInputs(_ runtime: LogicalRuntimeID, _ rows: [StoredInputState]) throws(RuntimeStoreError) {
        try checkWrite()
        put(runtime, rows)
        writeCount += 1
    }

    public func admitInputs(
        _ runtime: LogicalRuntimeID, _ rows: [StoredInputState], newInput id: InputID, idempotencyKey: IdempotencyKey?
    ) throws(RuntimeStoreError) -> StoredInputState? {
        if let key = idempotencyKey, let existing = try loadInput(runtime, idempotencyKey: key) { return existing }
        if let existing = runtimes[runtime]?.inputs[id] { return existing }
        try writeInputs(runtime, rows)
        return nil
    }

    public nonisolated var stagesWithAdmission: Bool { true }

    public func admitInputs(
        _ runtime: LogicalRuntimeID, _ rows: [StoredInputState], newInput id: InputID, idempotencyKey: IdempotencyKey?,
        staging: BoundaryCommit
    ) throws(RuntimeStoreError) -> StoredInputState? {
        if let key = idempotencyKey, let existing = try loadInput(runtime, idempotencyKey: key) { return existing }
        if let existing = runtimes[runtime]?.inputs[id] { return existing }
        try checkWrite()
        try validate(runtime, staging)
        put(runtime, rows)
        apply(runtime, staging)
        return nil
    }

    public func atomicApply(_ runtime: LogicalRuntimeID, _ commit: BoundaryCommit) throws(RuntimeStoreError) {
        try checkWrite()
        try validate(runtime, commit)
        apply(runtime, commit)
    }

    /// Everything `apply` could refuse, checked before anything is written: a commit is all or nothing.
    private func validate(_ runtime: LogicalRuntimeID, _ commit: BoundaryCommit) throws(RuntimeStoreError) {
        if let session = commit.session {
            do {
                try sessions.checkSave(session)
            } catch {
                throw .conflict(error.description)
            }
        }
        for swap in commit.swaps where runtimes[runtime]?.inputs[swap.expected.inputID] != swap.expected {
            throw .conflict("input \(swap.expected.inputID) changed since it was read")
        }
    }

    /// Writes a validated commit.
    private func apply(_ runtime: LogicalRuntimeID, _ commit: BoundaryCommit) {
        if let receipt = commit.receipt {
            runtimes[runtime, default: Runtime()].receipts[Self.key(receipt.runID, receipt.sequence)] = receipt
        }
        // Safe: `checkSave` above already ran the only check `save` makes, so this cannot fail.
        if let session = commit.session { try? sessions.save(session) }
        put(runtime, commit.inputs)
        for swap in commit.swaps {
            if let next = swap.next {
                put(runtime, [next])
            } else {
                runtimes[runtime]?.inputs.removeValue(forKey: swap.expected.inputID)
            }
        }
        if let lifecycle = commit.lifecycle { runtimes[runtime, default: Runtime()].lifecycle = lifecycle }
        if let routing = commit.routing { runtimes[runtime, default: Runtime()].routing = routing }
        writeCount += 1
    }

    public func loadReceipts(_ runtime: LogicalRuntimeID) throws(RuntimeStoreError) -> [RunBoundaryReceipt] {
        Array(runtimes[runtime]?.receipts.values ?? [:].values)
    }

    public func compareAndSwapInput(_ runtime: LogicalRuntimeID, expected: StoredInputState, next: StoredInputState?)
        throws(RuntimeStoreError) -> Bool
    {
        try checkWrite()
        guard runtimes[runtime]?.inputs[expected.inputID] == expected else { return false }
        if let next {
            put(runtime, [next])
        } else {
            runtimes[runtime]?.inputs.removeValue(forKey: expected.inputID)
        }
        writeCount += 1
        return true
    }

    public func loadLifecycle(_ runtime: LogicalRuntimeID) throws(RuntimeStoreError) -> RuntimeLifecycleRow? {
        runtimes[runtime]?.lifecycle
    }

    public func saveLifecycle(_ runtime: LogicalRuntimeID, _ row: RuntimeLifecycleRow) throws(RuntimeStoreError) {
        try checkWrite()
        runtimes[runtime, default: Runtime()].lifecycle = row
        writeCount += 1
    }

    public func loadSession(_ id: SessionID) throws(RuntimeStoreError) -> Session? {
        sessions.load(id)
    }

    public func loadRouting(_ runtime: LogicalRuntimeID) throws(RuntimeStoreError) -> ModelRoutingState? {
        runtimes[runtime]?.routing
    }

    /// The reads of a recovery in one call (one hop to the store instead of five).
    public func loadRecoverySnapshot(_ runtime: LogicalRuntimeID, session: SessionID) throws(RuntimeStoreError)
        -> RecoverySnapshot
    {
        let stored = runtimes[runtime]
        return RecoverySnapshot(
            rows: Array(stored?.inputs.values ?? [:].values), receipts: Array(stored?.receipts.values ?? [:].values),
            session: sessions.load(session), routing: stored?.routing, lifecycle: stored?.lifecycle)
    }

    public func saveRouting(_ runtime: LogicalRuntimeID, _ state: ModelRoutingState) throws(RuntimeStoreError) {
        try checkWrite()
        runtimes[runtime, default: Runtime()].routing = state
        writeCount += 1
    }

    // MARK: SessionStore

    public func save(_ session: Session) throws(SessionStoreError) {
        if let failWrites { throw .unavailable("\(failWrites)") }
        try sessions.save(session)
        writeCount += 1
    }

    public func load(_ id: SessionID) -> Session? { sessions.load(id) }
    public func list(_ query: SessionQuery) -> [SessionMeta] { sessions.list(query) }
    public func loadMeta(_ id: SessionID) -> SessionMeta? { sessions.loadMeta(id) }
    public func archive(_ id: SessionID) throws(SessionStoreError) { try sessions.archive(id) }
    public func unarchive(_ id: SessionID) throws(SessionStoreError) { try sessions.unarchive(id) }

    public func delete(_ id: SessionID) throws(SessionStoreError) {
        try sessions.delete(id)
        runtimes.removeValue(forKey: .session(id))
    }

    /// Overwrites a row without any check (tests that simulate what a dead process left behind).
    public func seed(_ runtime: LogicalRuntimeID, rows: [StoredInputState], receipts: [RunBoundaryReceipt] = []) {
        put(runtime, rows)
        for receipt in receipts {
            runtimes[runtime, default: Runtime()].receipts[Self.key(receipt.runID, receipt.sequence)] = receipt
        }
    }

    private func put(_ runtime: LogicalRuntimeID, _ rows: [StoredInputState]) {
        // Mutated in place: copying the runtime out and back would copy every stored row on each write.
        for row in rows {
            runtimes[runtime, default: Runtime()].inputs[row.inputID] = row
            if let key = row.state.idempotencyKey {
                runtimes[runtime, default: Runtime()].idempotency[key] = row.inputID
            }
        }
    }

    private struct ReceiptKey: Hashable {
        var run: RunID
        var sequence: UInt64
    }

    private static func key(_ run: RunID, _ sequence: UInt64) -> ReceiptKey { ReceiptKey(run: run, sequence: sequence) }
}
