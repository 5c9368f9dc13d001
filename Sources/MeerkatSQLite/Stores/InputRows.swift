import Foundation
import GRDB
import MeerkatCore
import MeerkatRuntime

/// Reading and writing `runtime_inputs` (the `StoredInputState` JSON plus the columns queries use), the
/// idempotency index, receipts and lifecycle rows inside a transaction.
enum InputRows {
    /// The exact JSON text a row is stored as (and compared against by compare-and-swap).
    static func json(_ row: StoredInputState) throws -> String {
        try WireJSON.encodeString(row)
    }

    /// A row with its stored JSON. The stores encode rows before they open the write transaction: encoding is most of
    /// a row write's CPU, and inside the transaction it would run on the realm's single writer, one caller at a time.
    struct Encoded: Sendable {
        let row: StoredInputState
        let json: String

        init(_ row: StoredInputState) throws {
            self.row = row
            json = try InputRows.json(row)
        }
    }

    /// A compare-and-swap with both sides encoded.
    struct EncodedSwap: Sendable {
        let expected: Encoded
        let next: Encoded?

        init(_ swap: InputSwap) throws {
            expected = try Encoded(swap.expected)
            next = try swap.next.map { try Encoded($0) }
        }
    }

    /// The stored JSON of one input row.
    static func row(_ db: Database, _ runtime: LogicalRuntimeID, _ id: InputID) throws -> String? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT row_json FROM runtime_inputs WHERE runtime_id = ? AND input_id = ?"),
            arguments: [runtime.rawValue, id.description])
    }

    /// The stored JSON of the input row an idempotency key is bound to (nil when unbound or the row is gone).
    static func bound(_ db: Database, _ runtime: LogicalRuntimeID, _ key: IdempotencyKey) throws -> String? {
        try String.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT r.row_json FROM runtime_idempotency i
                    JOIN runtime_inputs r ON r.runtime_id = i.runtime_id AND r.input_id = i.input_id
                    WHERE i.runtime_id = ? AND i.idempotency_key = ?
                    """),
            arguments: [runtime.rawValue, key.rawValue])
    }

    /// Replaces (or deletes, when `next` is nil) a row only if it still equals `expected`; false on a lost race. The
    /// stored text is compared with the canonical (key-sorted) encoding of `expected`: equal bytes mean nobody replaced
    /// the row since the caller read it.
    static func swap(_ db: Database, _ runtime: LogicalRuntimeID, _ swap: EncodedSwap) throws -> Bool {
        let expected = swap.expected.row
        let stored = try row(db, runtime, expected.inputID)
        guard let stored, stored == swap.expected.json else { return false }
        if swap.next?.row.inputID != expected.inputID {
            try db.cachedStatement(
                sql: "DELETE FROM runtime_inputs WHERE runtime_id = ? AND input_id = ?"
            ).execute(
                arguments: [runtime.rawValue, expected.inputID.description])
        }
        if let next = swap.next { try upsert(db, runtime, next) }
        return true
    }

    /// Inserts or replaces a row and binds its idempotency key. The binding is never removed, so a retry is
    /// recognised after the input finished, after a restart, and even after a recovery discard.
    static func upsert(_ db: Database, _ runtime: LogicalRuntimeID, _ encoded: Encoded) throws {
        let row = encoded.row
        try db.cachedStatement(
            sql: """
                INSERT INTO runtime_inputs (runtime_id, input_id, phase, idempotency_key, admission_sequence,
                    last_run_id, updated_at, row_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(runtime_id, input_id) DO UPDATE SET phase = excluded.phase,
                    idempotency_key = excluded.idempotency_key, admission_sequence = excluded.admission_sequence,
                    last_run_id = excluded.last_run_id, updated_at = excluded.updated_at, row_json = excluded.row_json
                """
        ).execute(
            arguments: [
                runtime.rawValue, row.inputID.description, row.phase.rawValue, row.state.idempotencyKey?.rawValue,
                row.seed.admissionSequence.map { Int64(bitPattern: $0) }, row.seed.lastRunID?.description,
                WireJSON.formatDate(row.state.updatedAt), encoded.json,
            ])
        if let key = row.state.idempotencyKey {
            try db.cachedStatement(
                sql: """
                    INSERT INTO runtime_idempotency (runtime_id, idempotency_key, input_id) VALUES (?, ?, ?)
                    ON CONFLICT(runtime_id, idempotency_key) DO UPDATE SET input_id = excluded.input_id
                    """
            ).execute(
                arguments: [runtime.rawValue, key.rawValue, row.inputID.description])
        }
    }

    static func decode(_ json: String, _ runtime: LogicalRuntimeID, path: String, decoder: JSONDecoder) throws
        -> StoredInputState
    {
        do {
            return try decoder.decode(StoredInputState.self, from: Data(json.utf8))
        } catch let error as StoredInputStateDecodingError {
            throw StoreFault.corrupt("\(path): an input row of \(runtime): \(error.description)")
        } catch {
            throw StoreFault.corrupt("\(path): an input row of \(runtime) is unreadable: \(error)")
        }
    }

    static func insertReceipt(_ db: Database, _ runtime: LogicalRuntimeID, _ receipt: RunBoundaryReceipt, json: String)
        throws
    {
        try db.cachedStatement(
            sql: """
                INSERT INTO runtime_receipts (runtime_id, run_id, sequence, receipt_json) VALUES (?, ?, ?, ?)
                ON CONFLICT(runtime_id, run_id, sequence) DO UPDATE SET receipt_json = excluded.receipt_json
                """
        ).execute(
            arguments: [
                runtime.rawValue, receipt.runID.description, Int64(bitPattern: receipt.sequence),
                json,
            ])
    }

    static func saveLifecycle(
        _ db: Database, _ runtime: LogicalRuntimeID, _ row: RuntimeLifecycleRow
    ) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO runtime_lifecycle (runtime_id, row_json, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(runtime_id) DO UPDATE SET row_json = excluded.row_json, updated_at = excluded.updated_at
                """
        ).execute(
            arguments: [
                runtime.rawValue, try WireJSON.encodeString(row),
                WireJSON.formatDate(row.updatedAt),
            ])
    }
}
