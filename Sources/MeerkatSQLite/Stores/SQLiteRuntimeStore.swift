public import Foundation
import GRDB
public import MeerkatCore
public import MeerkatRuntime

/// The persistent `RuntimeStore` over a realm's `realm.sqlite3` (RUNTIME.md §11).
///
/// Input rows keep the exact `StoredInputState` JSON (compare-and-swap compares those bytes) next to indexed
/// columns (runtime id, input id, phase, idempotency key, admission sequence, last run id). The idempotency index
/// is a separate table that outlives terminal inputs and restarts. Boundary receipts are keyed by
/// (runtime, run, sequence); terminal completion outcomes travel inside the row JSON. `atomicApply` writes the
/// receipt, the session delta (through the session store's append code), the input rows and the lifecycle row
/// in one transaction. Every write returns after its commit is durable.
///
/// Writes are fenced by session leases: when another owner holds a live lease on the runtime's session, a write
/// fails with `RuntimeStoreError.ownedElsewhere` and changes nothing. A session nobody leased can be written by
/// anyone (single-process use needs no lease).
public final class SQLiteRuntimeStore: RuntimeStore {
    /// The id of this process instance: the default lease owner of every store the process opens.
    public static let processInstanceID = LeaseOwner.current

    /// The shared realm database.
    public let database: RealmDatabase
    /// The lease owner this store writes as.
    public let owner: String
    let now: @Sendable () -> Date

    /// A store over `database`, writing as `owner` (by default this process instance), with an injectable clock
    /// for lease expiry.
    public init(
        database: RealmDatabase, owner: String = SQLiteRuntimeStore.processInstanceID,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.database = database
        self.owner = owner
        self.now = now
    }

    public func loadInputs(_ runtime: LogicalRuntimeID) async throws(RuntimeStoreError) -> [StoredInputState] {
        let path = database.path
        return try await read { db in try Self.fetchInputs(db, runtime, path: path) }
    }

    private static func fetchInputs(_ db: Database, _ runtime: LogicalRuntimeID, path: String) throws
        -> [StoredInputState]
    {
        let decoder = WireJSON.decoder()
        return try String.fetchAll(
            db,
            sql: """
                SELECT row_json FROM runtime_inputs WHERE runtime_id = ?
                ORDER BY admission_sequence IS NULL, admission_sequence, input_id
                """,
            arguments: [runtime.rawValue]
        ).map { try InputRows.decode($0, runtime, path: path, decoder: decoder) }
    }

    public func loadInput(_ runtime: LogicalRuntimeID, _ id: InputID) async throws(RuntimeStoreError)
        -> StoredInputState?
    {
        let path = database.path
        return try await read { db in
            try InputRows.row(db, runtime, id).map {
                try InputRows.decode($0, runtime, path: path, decoder: WireJSON.decoder())
            }
        }
    }

    public func loadInput(_ runtime: LogicalRuntimeID, idempotencyKey: IdempotencyKey) async throws(RuntimeStoreError)
        -> StoredInputState?
    {
        let path = database.path
        return try await read { db in
            try InputRows.bound(db, runtime, idempotencyKey).map {
                try InputRows.decode($0, runtime, path: path, decoder: WireJSON.decoder())
            }
        }
    }

    public func writeInputs(_ runtime: LogicalRuntimeID, _ rows: [StoredInputState]) async throws(RuntimeStoreError) {
        let encoded = try encoding { try rows.map { try InputRows.Encoded($0) } }
        try await fencedWrite(runtime) { db in
            for row in encoded { try InputRows.upsert(db, runtime, row) }
        }
    }

    public func admitInputs(
        _ runtime: LogicalRuntimeID, _ rows: [StoredInputState], newInput id: InputID, idempotencyKey: IdempotencyKey?
    ) async throws(RuntimeStoreError) -> StoredInputState? {
        let path = database.path
        let encoded = try encoding { try rows.map { try InputRows.Encoded($0) } }
        return try await fencedWrite(runtime) { db -> StoredInputState? in
            let decoder = WireJSON.decoder()
            if let key = idempotencyKey, let json = try InputRows.bound(db, runtime, key) {
                return try InputRows.decode(json, runtime, path: path, decoder: decoder)
            }
            if let json = try InputRows.row(db, runtime, id) {
                return try InputRows.decode(json, runtime, path: path, decoder: decoder)
            }
            for row in encoded { try InputRows.upsert(db, runtime, row) }
            return nil
        }
    }

    public var stagesWithAdmission: Bool { true }

    public func admitInputs(
        _ runtime: LogicalRuntimeID, _ rows: [StoredInputState], newInput id: InputID, idempotencyKey: IdempotencyKey?,
        staging: BoundaryCommit
    ) async throws(RuntimeStoreError) -> StoredInputState? {
        let path = database.path
        // The staging's rows replace the admission's rows of the same inputs: each input is written once.
        let staged = Set(staging.inputs.map(\.inputID))
        let admitted = try encoding {
            try rows.filter { !staged.contains($0.inputID) }.map { try InputRows.Encoded($0) }
        }
        let commit = try EncodedCommit(staging, store: self)
        let database = database
        let (existing, digest) = try await fencedWrite(runtime) { db -> (StoredInputState?, String?) in
            let decoder = WireJSON.decoder()
            if let key = idempotencyKey, let json = try InputRows.bound(db, runtime, key) {
                return (try InputRows.decode(json, runtime, path: path, decoder: decoder), nil)
            }
            if let json = try InputRows.row(db, runtime, id) {
                return (try InputRows.decode(json, runtime, path: path, decoder: decoder), nil)
            }
            for row in admitted { try InputRows.upsert(db, runtime, row) }
            return (nil, try commit.write(db, runtime, database: database))
        }
        if existing == nil { commit.remember(digest, in: database) }
        return existing
    }

    public func atomicApply(_ runtime: LogicalRuntimeID, _ commit: BoundaryCommit) async throws(RuntimeStoreError) {
        let database = database
        let encoded = try EncodedCommit(commit, store: self)
        let digest = try await fencedWrite(runtime) { db in try encoded.write(db, runtime, database: database) }
        encoded.remember(digest, in: database)
    }

    /// A commit with its rows, swaps and receipt encoded, ready to be written inside a transaction.
    private struct EncodedCommit: Sendable {
        let commit: BoundaryCommit
        let receiptJSON: String?
        let inputs: [InputRows.Encoded]
        let swaps: [InputRows.EncodedSwap]

        init(_ commit: BoundaryCommit, store: SQLiteRuntimeStore) throws(RuntimeStoreError) {
            self.commit = commit
            (receiptJSON, inputs, swaps) = try store.encoding {
                (
                    try commit.receipt.map { try WireJSON.encodeString($0) },
                    try commit.inputs.map { try InputRows.Encoded($0) },
                    try commit.swaps.map { try InputRows.EncodedSwap($0) }
                )
            }
        }

        /// Writes the commit in the caller's transaction; returns the session's digest when it wrote one.
        func write(_ db: Database, _ runtime: LogicalRuntimeID, database: RealmDatabase) throws -> String? {
            if let receipt = commit.receipt, let receiptJSON {
                try InputRows.insertReceipt(db, runtime, receipt, json: receiptJSON)
            }
            var digest: String?
            if let session = commit.session {
                digest = try SessionRows.append(db, session, runID: commit.receipt?.runID, database: database)
            }
            for row in inputs { try InputRows.upsert(db, runtime, row) }
            for swap in swaps {
                // A lost swap throws, which rolls the whole transaction back: nothing of the commit survives.
                guard try InputRows.swap(db, runtime, swap) else {
                    throw StoreFault.conflict(
                        "input \(swap.expected.row.inputID) of \(runtime) changed since it was read")
                }
            }
            if let lifecycle = commit.lifecycle {
                try InputRows.saveLifecycle(db, runtime, lifecycle)
            }
            if let routing = commit.routing { try SQLiteRuntimeStore.saveRouting(db, runtime, routing) }
            return digest
        }

        /// After the commit: the session's prefix is cached for the next append-only check.
        func remember(_ digest: String?, in database: RealmDatabase) {
            if let session = commit.session, let digest {
                database.prefixes.store(session.id, messages: session.messages, digest: digest)
            }
        }
    }

    public func loadReceipts(_ runtime: LogicalRuntimeID) async throws(RuntimeStoreError) -> [RunBoundaryReceipt] {
        let path = database.path
        return try await read { db in try Self.fetchReceipts(db, runtime, path: path) }
    }

    private static func fetchReceipts(_ db: Database, _ runtime: LogicalRuntimeID, path: String) throws
        -> [RunBoundaryReceipt]
    {
        let decoder = WireJSON.decoder()
        return try String.fetchAll(
            db, sql: "SELECT receipt_json FROM runtime_receipts WHERE runtime_id = ? ORDER BY run_id, sequence",
            arguments: [runtime.rawValue]
        ).map { json in
            do {
                return try decoder.decode(RunBoundaryReceipt.self, from: Data(json.utf8))
            } catch {
                throw StoreFault.corrupt("\(path): a boundary receipt of \(runtime) is unreadable: \(error)")
            }
        }
    }

    public func compareAndSwapInput(_ runtime: LogicalRuntimeID, expected: StoredInputState, next: StoredInputState?)
        async throws(RuntimeStoreError) -> Bool
    {
        let swap = try encoding {
            try InputRows.EncodedSwap(InputSwap(expected: expected, next: next))
        }
        return try await fencedWrite(runtime) { db in try InputRows.swap(db, runtime, swap) }
    }

    public func loadLifecycle(_ runtime: LogicalRuntimeID) async throws(RuntimeStoreError) -> RuntimeLifecycleRow? {
        let path = database.path
        return try await read { db in try Self.fetchLifecycle(db, runtime, path: path) }
    }

    private static func fetchLifecycle(_ db: Database, _ runtime: LogicalRuntimeID, path: String) throws
        -> RuntimeLifecycleRow?
    {
        try fetchJSON(
            db, sql: "SELECT row_json FROM runtime_lifecycle WHERE runtime_id = ?", runtime, path: path,
            what: "the lifecycle row")
    }

    /// The one JSON row `sql` selects for `runtime`, decoded (nil when there is none; unreadable JSON is corrupt).
    private static func fetchJSON<T: Decodable>(
        _ db: Database, sql: String, _ runtime: LogicalRuntimeID, path: String, what: String
    ) throws -> T? {
        guard let json = try String.fetchOne(db, sql: sql, arguments: [runtime.rawValue]) else { return nil }
        do {
            return try WireJSON.decoder().decode(T.self, from: Data(json.utf8))
        } catch {
            throw StoreFault.corrupt("\(path): \(what) of \(runtime) is unreadable: \(error)")
        }
    }

    public func saveLifecycle(_ runtime: LogicalRuntimeID, _ row: RuntimeLifecycleRow) async throws(RuntimeStoreError) {
        try await fencedWrite(runtime) { db in
            try InputRows.saveLifecycle(db, runtime, row)
        }
    }

    public func loadRouting(_ runtime: LogicalRuntimeID) async throws(RuntimeStoreError) -> ModelRoutingState? {
        let path = database.path
        return try await read { db in try Self.fetchRouting(db, runtime, path: path) }
    }

    private static func fetchRouting(_ db: Database, _ runtime: LogicalRuntimeID, path: String) throws
        -> ModelRoutingState?
    {
        try fetchJSON(
            db, sql: "SELECT state_json FROM runtime_routing WHERE runtime_id = ?", runtime, path: path,
            what: "the routing state")
    }

    public func saveRouting(_ runtime: LogicalRuntimeID, _ state: ModelRoutingState) async throws(RuntimeStoreError) {
        try await fencedWrite(runtime) { db in try Self.saveRouting(db, runtime, state) }
    }

    private static func saveRouting(_ db: Database, _ runtime: LogicalRuntimeID, _ state: ModelRoutingState) throws {
        let json = try WireJSON.encodeString(state)
        try db.cachedStatement(
            sql: """
                INSERT INTO runtime_routing (runtime_id, state_json) VALUES (?, ?)
                ON CONFLICT(runtime_id) DO UPDATE SET state_json = excluded.state_json
                """
        ).execute(arguments: [runtime.rawValue, json])
    }

    public func loadSession(_ id: SessionID) async throws(RuntimeStoreError) -> Session? {
        let path = database.path
        let loaded = try await read { db in try SessionRows.load(db, id, path: path) }
        guard let (session, digest) = loaded else { return nil }
        database.prefixes.store(id, messages: session.messages, digest: digest)
        return session
    }

    /// The reads of a recovery in one read transaction (one consistent snapshot, one trip to a reader), fenced like a
    /// write: another owner's live lease on the session fails it with `ownedElsewhere`.
    public func loadRecoverySnapshot(_ runtime: LogicalRuntimeID, session id: SessionID)
        async throws(RuntimeStoreError) -> RecoverySnapshot
    {
        let path = database.path
        let owner = owner
        let nowMS = LeaseRows.milliseconds(now())
        let (rows, receipts, loaded, routing, lifecycle) = try await read { db in
            if let session = runtime.sessionID {
                try LeaseRows.fence(db, session: session, owner: owner, nowMS: nowMS, path: path)
            }
            return (
                try Self.fetchInputs(db, runtime, path: path), try Self.fetchReceipts(db, runtime, path: path),
                try SessionRows.load(db, id, path: path), try Self.fetchRouting(db, runtime, path: path),
                try Self.fetchLifecycle(db, runtime, path: path)
            )
        }
        if let (session, digest) = loaded { database.prefixes.store(id, messages: session.messages, digest: digest) }
        return RecoverySnapshot(
            rows: rows, receipts: receipts, session: loaded?.0, routing: routing, lifecycle: lifecycle)
    }

    // MARK: Transactions

    /// Encodes what a write stores before its transaction opens (see `InputRows.Encoded`); a failure is the store's
    /// typed error, as it would be from inside the transaction.
    func encoding<T>(_ body: () throws -> T) throws(RuntimeStoreError) -> T {
        do {
            return try body()
        } catch {
            throw StoreFault.from(error, path: database.path).runtimeError
        }
    }

    /// A write transaction that first checks the session lease of `runtime` (see the type's documentation).
    func fencedWrite<T: Sendable>(_ runtime: LogicalRuntimeID, _ body: @escaping @Sendable (Database) throws -> T)
        async throws(RuntimeStoreError) -> T
    {
        let owner = owner
        let nowMS = LeaseRows.milliseconds(now())
        let path = database.path
        do {
            return try await database.write { db in
                if let session = runtime.sessionID {
                    try LeaseRows.fence(db, session: session, owner: owner, nowMS: nowMS, path: path)
                }
                return try body(db)
            }
        } catch {
            throw error.runtimeError
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(RuntimeStoreError) -> T {
        do {
            return try await database.read(body)
        } catch {
            throw error.runtimeError
        }
    }
}
