public import Foundation
public import MeerkatCore

/// A store failure. `unavailable` is transient (retry later); the others are not.
public enum RuntimeStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    case unavailable(String)
    case corrupt(String)
    case conflict(String)
    case ownedElsewhere(String)
    case io(String)

    public var description: String {
        switch self {
        case .unavailable(let message): "runtime store unavailable: \(message)"
        case .corrupt(let message): "runtime store corrupt: \(message)"
        case .conflict(let message): "runtime store conflict: \(message)"
        case .ownedElsewhere(let message): "session owned elsewhere: \(message)"
        case .io(let message): "runtime store I/O error: \(message)"
        }
    }
}

/// The durable projection of a runtime's lifecycle (RUNTIME.md §8, §11.3).
public struct RuntimeLifecycleRow: Sendable, Hashable, Codable {
    public var state: RuntimeState
    public var updatedAt: Date

    private enum CodingKeys: String, CodingKey { case state, updatedAt = "updated_at" }

    public init(state: RuntimeState, updatedAt: Date) {
        self.state = state
        self.updatedAt = updatedAt
    }
}

/// A compare-and-swap of one input row inside a commit: the stored row is replaced by `next` (deleted when nil) only if
/// it still equals `expected`, the row the caller read.
public struct InputSwap: Sendable, Hashable {
    public var expected: StoredInputState
    public var next: StoredInputState?

    public init(expected: StoredInputState, next: StoredInputState?) {
        self.expected = expected
        self.next = next
    }
}

/// Everything one step commits atomically: the receipt, the session after the run, the input rows, the lifecycle and
/// routing rows, and rows replaced only if unchanged since they were read (recovery's).
public struct BoundaryCommit: Sendable {
    public var receipt: RunBoundaryReceipt?
    public var session: Session?
    public var inputs: [StoredInputState]
    public var lifecycle: RuntimeLifecycleRow?
    /// The routing row.
    public var routing: ModelRoutingState?
    /// Input rows replaced or deleted only if they still hold exactly what the caller read: when one changed, the whole
    /// commit writes nothing and fails with `conflict`.
    public var swaps: [InputSwap]

    public init(
        receipt: RunBoundaryReceipt? = nil, session: Session? = nil, inputs: [StoredInputState] = [],
        lifecycle: RuntimeLifecycleRow? = nil, routing: ModelRoutingState? = nil, swaps: [InputSwap] = []
    ) {
        self.receipt = receipt
        self.session = session
        self.inputs = inputs
        self.lifecycle = lifecycle
        self.routing = routing
        self.swaps = swaps
    }

    /// True when the commit only writes input rows (no receipt, session, lifecycle, routing or swap).
    public var onlyInputs: Bool {
        receipt == nil && session == nil && lifecycle == nil && routing == nil && swaps.isEmpty
    }
}

/// Durable runtime state per logical runtime (RUNTIME.md §11.1). Implementations make every write atomic and
/// durable before returning; the in-memory store is the ephemeral option and SQLite the persistent one.
public protocol RuntimeStore: Sendable {
    /// Every input row of a runtime (terminal ones included).
    func loadInputs(_ runtime: LogicalRuntimeID) async throws(RuntimeStoreError) -> [StoredInputState]
    /// One input row.
    func loadInput(_ runtime: LogicalRuntimeID, _ id: InputID) async throws(RuntimeStoreError) -> StoredInputState?
    /// The input bound to an idempotency key, terminal or not (the index survives terminal inputs and restarts).
    func loadInput(_ runtime: LogicalRuntimeID, idempotencyKey: IdempotencyKey) async throws(RuntimeStoreError)
        -> StoredInputState?
    /// Writes input rows atomically (an admission delta or a lifecycle transition).
    func writeInputs(_ runtime: LogicalRuntimeID, _ rows: [StoredInputState]) async throws(RuntimeStoreError)
    /// Writes an admission's rows only if the admitted input is new: when a stored row already owns its idempotency
    /// key (checked first) or its id, nothing is written and that row is returned, and the admission becomes a
    /// deduplication. The check and the write are one transaction, so no other writer comes between them, and an
    /// admission needs no store read of its own.
    func admitInputs(
        _ runtime: LogicalRuntimeID, _ rows: [StoredInputState], newInput id: InputID, idempotencyKey: IdempotencyKey?
    ) async throws(RuntimeStoreError) -> StoredInputState?
    /// True when `admitInputs(_:_:newInput:idempotencyKey:staging:)` writes the admission and the staging in one
    /// transaction. Only then does the driver stage a run in the admission that starts it (an idle runtime's new
    /// prompt): one write instead of two. Stores without it (test doubles that forward) keep the two writes.
    var stagesWithAdmission: Bool { get }
    /// `admitInputs(_:_:newInput:idempotencyKey:)`, and when the input is new, `staging` in the same transaction: the
    /// staging of the run the admission starts, whose input rows replace the admission's rows of the same inputs.
    /// A duplicate found writes neither and returns the stored row.
    func admitInputs(
        _ runtime: LogicalRuntimeID, _ rows: [StoredInputState], newInput id: InputID, idempotencyKey: IdempotencyKey?,
        staging: BoundaryCommit
    ) async throws(RuntimeStoreError) -> StoredInputState?
    /// Commits a step (receipt, session, input rows, lifecycle and routing rows, swaps) in one transaction: all or
    /// nothing. A swap whose row changed fails the commit with `conflict`.
    func atomicApply(_ runtime: LogicalRuntimeID, _ commit: BoundaryCommit) async throws(RuntimeStoreError)
    /// Every committed boundary receipt of a runtime.
    func loadReceipts(_ runtime: LogicalRuntimeID) async throws(RuntimeStoreError) -> [RunBoundaryReceipt]
    /// Replaces (or deletes, when `next` is nil) a row only if it still equals `expected`. Returns false on a lost race.
    func compareAndSwapInput(_ runtime: LogicalRuntimeID, expected: StoredInputState, next: StoredInputState?)
        async throws(RuntimeStoreError) -> Bool
    /// The lifecycle row.
    func loadLifecycle(_ runtime: LogicalRuntimeID) async throws(RuntimeStoreError) -> RuntimeLifecycleRow?
    /// Writes the lifecycle row.
    func saveLifecycle(_ runtime: LogicalRuntimeID, _ row: RuntimeLifecycleRow) async throws(RuntimeStoreError)
    /// The last committed session snapshot.
    func loadSession(_ id: SessionID) async throws(RuntimeStoreError) -> Session?
    /// The model routing state of a runtime (RUNTIME.md §12–§14), nil before the first routing write.
    func loadRouting(_ runtime: LogicalRuntimeID) async throws(RuntimeStoreError) -> ModelRoutingState?
    /// Replaces the model routing state of a runtime (one atomic write).
    func saveRouting(_ runtime: LogicalRuntimeID, _ state: ModelRoutingState) async throws(RuntimeStoreError)
    /// Everything `SessionRuntime.open` reads before it recovers (rows, receipts, transcript, routing and lifecycle
    /// rows), as one consistent read where the store can. A store that fences writes with session leases refuses it
    /// with `ownedElsewhere` while another owner holds a live lease: an open that finds nothing to recover writes
    /// nothing, so this read is where it learns the session is not its own.
    func loadRecoverySnapshot(_ runtime: LogicalRuntimeID, session: SessionID) async throws(RuntimeStoreError)
        -> RecoverySnapshot
}

/// What a runtime's recovery reads: its input rows, committed receipts, last committed transcript, routing and
/// lifecycle rows.
public struct RecoverySnapshot: Sendable {
    public var rows: [StoredInputState]
    public var receipts: [RunBoundaryReceipt]
    public var session: Session?
    public var routing: ModelRoutingState?
    /// The lifecycle row (nil when none was ever written).
    public var lifecycle: RuntimeLifecycleRow?

    public init(
        rows: [StoredInputState], receipts: [RunBoundaryReceipt], session: Session?, routing: ModelRoutingState?,
        lifecycle: RuntimeLifecycleRow? = nil
    ) {
        self.rows = rows
        self.receipts = receipts
        self.session = session
        self.routing = routing
        self.lifecycle = lifecycle
    }
}

extension RuntimeStore {
    /// Five separate reads (stores without a combined one, and test doubles that forward each read).
    public func loadRecoverySnapshot(_ runtime: LogicalRuntimeID, session: SessionID)
        async throws(RuntimeStoreError) -> RecoverySnapshot
    {
        RecoverySnapshot(
            rows: try await loadInputs(runtime), receipts: try await loadReceipts(runtime),
            session: try await loadSession(session), routing: try await loadRouting(runtime),
            lifecycle: try await loadLifecycle(runtime))
    }

    /// False: the driver stages with a write of its own.
    public var stagesWithAdmission: Bool { false }

    /// The admission, then the staging, as two writes (a crash between them leaves the input queued, as a crash
    /// before the driver's own staging write would). The driver calls it only when `stagesWithAdmission` is true.
    public func admitInputs(
        _ runtime: LogicalRuntimeID, _ rows: [StoredInputState], newInput id: InputID, idempotencyKey: IdempotencyKey?,
        staging: BoundaryCommit
    ) async throws(RuntimeStoreError) -> StoredInputState? {
        if let existing = try await admitInputs(runtime, rows, newInput: id, idempotencyKey: idempotencyKey) {
            return existing
        }
        try await atomicApply(runtime, staging)
        return nil
    }

    /// The check and the write as separate calls, for stores that cannot run them in one transaction (test doubles
    /// that forward to another store). Both stores of the project implement it as one transaction.
    public func admitInputs(
        _ runtime: LogicalRuntimeID, _ rows: [StoredInputState], newInput id: InputID, idempotencyKey: IdempotencyKey?
    ) async throws(RuntimeStoreError) -> StoredInputState? {
        if let key = idempotencyKey, let existing = try await loadInput(runtime, idempotencyKey: key) {
            return existing
        }
        if let existing = try await loadInput(runtime, id) { return existing }
        try await writeInputs(runtime, rows)
        return nil
    }
}
