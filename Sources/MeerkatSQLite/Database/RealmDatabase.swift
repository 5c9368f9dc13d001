public import Foundation
import GRDB

/// A realm's `realm.sqlite3`, opened once per process and shared by its session and runtime stores, so one
/// transaction can cover a session append and the runtime rows of the same boundary.
///
/// The database runs in WAL mode with the `synchronous` level of its `RealmDurability` (a write returns after its
/// commit: durable before acknowledged against a killed process, and with `.power` also against power loss) and a
/// busy timeout, so several processes can share the file; writes take the write lock at `BEGIN IMMEDIATE`, which
/// keeps a read-then-write transaction from failing half-way.
public final class RealmDatabase: Sendable {
    /// How long a write waits for another connection's write lock before failing as unavailable.
    public static let busyTimeout: TimeInterval = 5

    /// The database file.
    public let path: String
    /// The realm's blob store (images in messages are externalised there).
    public let blobs: BlobStore
    let pool: DatabasePool
    let prefixes = SessionPrefixCache()
    private let writes: GroupCommit
    let checkpointer: BackgroundCheckpointer

    private init(path: String, blobs: BlobStore, pool: DatabasePool, checkpointer: BackgroundCheckpointer) {
        self.path = path
        self.blobs = blobs
        self.pool = pool
        self.writes = GroupCommit(pool: pool)
        self.checkpointer = checkpointer
    }

    /// Opens (creating if needed) and migrates the database at `path` to the current schema.
    ///
    /// `manifestVersion` is the schema version the realm manifest records; it lets a lost or emptied file be
    /// reported instead of silently re-created.
    public static func open(
        path: String, blobs: BlobStore, manifestVersion: Int = 0, durability: RealmDurability = .default
    ) throws(RealmError) -> RealmDatabase {
        if manifestVersion > RealmSchema.currentVersion {
            throw .schemaTooNew(path: path, found: manifestVersion, supported: RealmSchema.currentVersion)
        }
        try SQLiteFileCheck.check(path: path, manifestVersion: manifestVersion)
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "realm"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(durability.synchronousPragma)")
        }
        let checkpointer = BackgroundCheckpointer(path: path, configuration: configuration)
        var writerConfiguration = configuration
        writerConfiguration.prepareDatabase { db in
            // Checkpoints run in the background (`BackgroundCheckpointer`); the writer's own is the safety net.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(BackgroundCheckpointer.safetyNetPages)")
            try db.execute(sql: "PRAGMA journal_size_limit = \(BackgroundCheckpointer.walSizeLimit)")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: writerConfiguration)
        } catch {
            throw openError(error, path: path)
        }
        let database = RealmDatabase(path: path, blobs: blobs, pool: pool, checkpointer: checkpointer)
        do {
            let applied = try pool.read { db in try RealmSchema.migrator.appliedIdentifiers(db) }
            let unknown = applied.subtracting(RealmSchema.identifiers)
            if !unknown.isEmpty {
                try? pool.close()
                throw RealmError.schemaTooNew(
                    path: path, found: applied.count, supported: RealmSchema.currentVersion)
            }
            try RealmSchema.migrator.migrate(pool)
        } catch let error as RealmError {
            throw error
        } catch {
            try? pool.close()
            if case .corrupt = openError(error, path: path) { throw openError(error, path: path) }
            throw .migrationFailed(path: path, detail: "\(error)")
        }
        return database
    }

    /// The schema version of the file (the number of applied migrations).
    public func schemaVersion() throws(RealmError) -> Int {
        do {
            return try pool.read { db in try RealmSchema.migrator.appliedIdentifiers(db).count }
        } catch {
            throw Self.openError(error, path: path)
        }
    }

    /// Runs SQLite's `quick_check` over every page (O(database size), so not done on every open) and throws
    /// `corrupt` with SQLite's first findings when the file is damaged.
    public func checkIntegrity() throws(RealmError) {
        let findings: [String]
        do {
            findings = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(20)") }
        } catch {
            throw Self.openError(error, path: path)
        }
        if findings != ["ok"] {
            throw .corrupt(path: path, detail: findings.joined(separator: "; "))
        }
    }

    /// Checkpoints the WAL into the database file (best effort: another process reading the file may keep part
    /// of it in the WAL) and closes every connection. Later operations fail with an error instead of touching the
    /// file.
    public func close() throws(RealmError) {
        do {
            // SQLite only checkpoints on close when the closing connection is the last one, and the pool closes
            // its writer before its readers; so checkpoint explicitly, leaving a self-contained database file
            // (after the background checkpointer stopped, which would keep this one from completing).
            checkpointer.close()
            _ = try? pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
            try pool.close()
        } catch {
            throw .io(path: path, detail: "cannot close: \(error)")
        }
    }

    /// Runs `body` atomically in a write transaction (`BEGIN IMMEDIATE` … `COMMIT`), possibly shared with
    /// concurrent writes (group commit, each body in its own savepoint); returns after the commit.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreFault) -> T {
        do {
            let value = try await writes.write(body)
            checkpointer.noteCommit()
            return value
        } catch {
            throw StoreFault.from(error, path: path)
        }
    }

    /// Runs `body` in one read transaction (a consistent snapshot).
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreFault) -> T {
        do {
            // On the caller's thread: a reader connection is free unless five reads are running, and a hand-off to the
            // reader's queue and back would cost more than most reads (see `GroupCommit.write`).
            return try Result { try pool.read(body) }.get()
        } catch {
            throw StoreFault.from(error, path: path)
        }
    }

    static func openError(_ error: any Error, path: String) -> RealmError {
        guard let error = error as? DatabaseError else { return .io(path: path, detail: "\(error)") }
        let detail = "\(error.message ?? "SQLite error") (SQLite \(error.resultCode.rawValue))"
        switch error.resultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_FORMAT: return .corrupt(path: path, detail: detail)
        default: return .io(path: path, detail: detail)
        }
    }
}
