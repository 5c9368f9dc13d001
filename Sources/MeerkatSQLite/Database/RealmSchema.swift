import GRDB

/// The realm database schema as an ordered list of GRDB migrations ("v1", "v2", ...).
///
/// The schema version of a realm is the number of applied migrations. Migrations are append-only: a shipped
/// migration is never edited, a change is a new migration. Opening a database that has a migration this list does
/// not know means a newer binary wrote it, which `RealmDatabase` refuses.
enum RealmSchema {
    /// Identifiers in order; the schema version is `index + 1`.
    static let identifiers = ["v1", "v2", "v3", "v4", "v5", "v6"]

    /// The schema version this binary writes.
    static var currentVersion: Int { identifiers.count }

    /// The migrator, built once: GRDB requires each identifier to be registered exactly once per migrator.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: v1)
        migrator.registerMigration("v2", migrate: v2)
        migrator.registerMigration("v3", migrate: v3)
        migrator.registerMigration("v4", migrate: v4)
        migrator.registerMigration("v5", migrate: v5)
        migrator.registerMigration("v6", migrate: v6)
        return migrator
    }()

    /// v1: sessions with one row per message, runtime input rows with their indexed columns, the idempotency
    /// index, boundary receipts, lifecycle rows and session leases.
    static func v1(_ db: Database) throws {
        // Dates are stored as fixed-width RFC 3339 text with milliseconds (the wire format), which sorts
        // chronologically and reads back bit-identical to what JSON rows carry.
        try db.execute(
            sql: """
                CREATE TABLE sessions (
                    id TEXT PRIMARY KEY NOT NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    metadata TEXT NOT NULL,
                    usage TEXT NOT NULL,
                    total_tokens INTEGER NOT NULL,
                    message_count INTEGER NOT NULL,
                    head_digest TEXT NOT NULL,
                    archived INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE session_messages (
                    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                    seq INTEGER NOT NULL,
                    role TEXT NOT NULL,
                    body TEXT NOT NULL,
                    chain_digest TEXT NOT NULL,
                    PRIMARY KEY (session_id, seq)
                ) WITHOUT ROWID;
                CREATE TABLE session_labels (
                    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (session_id, key)
                ) WITHOUT ROWID;
                CREATE INDEX session_labels_by_value ON session_labels(key, value);
                CREATE TABLE runtime_inputs (
                    runtime_id TEXT NOT NULL,
                    input_id TEXT NOT NULL,
                    phase TEXT NOT NULL,
                    idempotency_key TEXT,
                    admission_sequence INTEGER,
                    last_run_id TEXT,
                    updated_at TEXT NOT NULL,
                    row_json TEXT NOT NULL,
                    PRIMARY KEY (runtime_id, input_id)
                ) WITHOUT ROWID;
                CREATE TABLE runtime_idempotency (
                    runtime_id TEXT NOT NULL,
                    idempotency_key TEXT NOT NULL,
                    input_id TEXT NOT NULL,
                    PRIMARY KEY (runtime_id, idempotency_key)
                ) WITHOUT ROWID;
                CREATE TABLE runtime_receipts (
                    runtime_id TEXT NOT NULL,
                    run_id TEXT NOT NULL,
                    sequence INTEGER NOT NULL,
                    receipt_json TEXT NOT NULL,
                    PRIMARY KEY (runtime_id, run_id, sequence)
                ) WITHOUT ROWID;
                CREATE TABLE runtime_lifecycle (
                    runtime_id TEXT PRIMARY KEY NOT NULL,
                    row_json TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                );
                CREATE TABLE session_leases (
                    session_id TEXT PRIMARY KEY NOT NULL,
                    owner TEXT NOT NULL,
                    acquired_at_ms INTEGER NOT NULL,
                    expires_at_ms INTEGER NOT NULL
                );
                """)
    }

    /// v2: a nullable per-message `run_id` (which run appended the message; recovery of dangling tool calls
    /// needs it), and indexes for run-status queries and session listing.
    static func v2(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE session_messages ADD COLUMN run_id TEXT;
                CREATE INDEX runtime_inputs_by_run ON runtime_inputs(runtime_id, last_run_id);
                CREATE INDEX sessions_by_recency ON sessions(archived, updated_at DESC, id DESC);
                """)
    }

    /// v3: `sessions.active_context`, the compaction view (JSON `ActiveContext`, NULL = never compacted). The
    /// transcript stays append-only; a compaction appends its summary row and switches this column in the same
    /// transaction.
    static func v3(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE sessions ADD COLUMN active_context TEXT")
    }

    /// v4: the per-session event log that SSE and RPC subscriptions replay from (`SQLiteSessionEventLogStore`).
    static func v4(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE session_events (
                    session_id TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    event TEXT NOT NULL,
                    PRIMARY KEY (session_id, seq)
                ) WITHOUT ROWID
                """)
    }

    /// v5: `runtime_routing`, the model routing state of a runtime (RUNTIME.md §12–§14: LLM identity, baseline,
    /// overrides, topology epoch, bounded terminal records) as one JSON row, replaced whole on every routing move.
    static func v5(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE runtime_routing (
                    runtime_id TEXT PRIMARY KEY NOT NULL,
                    state_json TEXT NOT NULL
                );
                """)
    }

    /// v6: fewer pages written per boundary, the table layouts changed to suit their rows' sizes (same columns, same
    /// keys, every row copied):
    /// - `runtime_inputs` becomes a rowid table. An input row's JSON is 1.5–3 KB, and a `WITHOUT ROWID` table keeps
    ///   at most about 1 KB of a row in its b-tree page (with 4 KB pages): every input row spilled into an overflow
    ///   page, and every update freed that page and allocated another (the freelist and the file header written
    ///   each time). A rowid table keeps rows up to about 4 KB in the page.
    /// - `session_leases` and `runtime_lifecycle` become `WITHOUT ROWID`: their rows are tens of bytes, and as rowid
    ///   tables with a TEXT primary key every insert and delete also wrote the key's separate index.
    static func v6(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE runtime_inputs_v6 (
                    runtime_id TEXT NOT NULL,
                    input_id TEXT NOT NULL,
                    phase TEXT NOT NULL,
                    idempotency_key TEXT,
                    admission_sequence INTEGER,
                    last_run_id TEXT,
                    updated_at TEXT NOT NULL,
                    row_json TEXT NOT NULL,
                    PRIMARY KEY (runtime_id, input_id)
                );
                INSERT INTO runtime_inputs_v6 (runtime_id, input_id, phase, idempotency_key, admission_sequence,
                    last_run_id, updated_at, row_json)
                SELECT runtime_id, input_id, phase, idempotency_key, admission_sequence, last_run_id, updated_at,
                    row_json
                FROM runtime_inputs;
                DROP TABLE runtime_inputs;
                ALTER TABLE runtime_inputs_v6 RENAME TO runtime_inputs;
                CREATE INDEX runtime_inputs_by_run ON runtime_inputs(runtime_id, last_run_id);

                CREATE TABLE session_leases_v6 (
                    session_id TEXT PRIMARY KEY NOT NULL,
                    owner TEXT NOT NULL,
                    acquired_at_ms INTEGER NOT NULL,
                    expires_at_ms INTEGER NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO session_leases_v6 (session_id, owner, acquired_at_ms, expires_at_ms)
                SELECT session_id, owner, acquired_at_ms, expires_at_ms FROM session_leases;
                DROP TABLE session_leases;
                ALTER TABLE session_leases_v6 RENAME TO session_leases;

                CREATE TABLE runtime_lifecycle_v6 (
                    runtime_id TEXT PRIMARY KEY NOT NULL,
                    row_json TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO runtime_lifecycle_v6 (runtime_id, row_json, updated_at)
                SELECT runtime_id, row_json, updated_at FROM runtime_lifecycle;
                DROP TABLE runtime_lifecycle;
                ALTER TABLE runtime_lifecycle_v6 RENAME TO runtime_lifecycle;
                """)
    }
}
