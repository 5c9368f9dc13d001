import Foundation
import GRDB
public import MeerkatCore

/// The persistent `SessionStore` over a realm's `realm.sqlite3` (AGENT.md §7).
///
/// One `sessions` row per session and one row per message; a save inserts only the messages past the committed
/// count after proving (by chain digest) that the committed prefix is unchanged, so an append costs the same at
/// 1,000 messages as at 10. Inline images are moved to the realm's blob store on save and `load` returns them as
/// `image{source: blob{blob_id}}` references (resolve them with `RealmDatabase.blobs`). Every write returns after
/// its transaction is durably committed.
public final class SQLiteSessionStore: SessionStore {
    /// The shared realm database.
    public let database: RealmDatabase

    /// A store over `database` (usually `Realm.sessionStore`; the runtime store of the same realm shares it).
    public init(database: RealmDatabase) {
        self.database = database
    }

    public func save(_ session: Session) async throws(SessionStoreError) {
        let database = database
        do {
            let digest = try await database.write { db in
                try SessionRows.append(db, session, runID: nil, database: database)
            }
            database.prefixes.store(session.id, messages: session.messages, digest: digest)
        } catch {
            throw error.sessionError
        }
    }

    public func load(_ id: SessionID) async throws(SessionStoreError) -> Session? {
        let path = database.path
        let loaded: (Session, String)?
        do {
            loaded = try await database.read { db in try SessionRows.load(db, id, path: path) }
        } catch {
            throw error.sessionError
        }
        guard let (session, digest) = loaded else { return nil }
        database.prefixes.store(id, messages: session.messages, digest: digest)
        return session
    }

    public func list(_ query: SessionQuery) async throws(SessionStoreError) -> [SessionMeta] {
        let path = database.path
        do {
            return try await database.read { db in try SessionRows.list(db, query, path: path) }
        } catch {
            throw error.sessionError
        }
    }

    public func loadMeta(_ id: SessionID) async throws(SessionStoreError) -> SessionMeta? {
        let path = database.path
        do {
            return try await database.read { db in
                try Row.fetchOne(
                    db, sql: "SELECT \(SessionRows.metaColumns) FROM sessions WHERE id = ?",
                    arguments: [id.description]
                ).map { try SessionRows.meta($0, path: path) }
            }
        } catch {
            throw error.sessionError
        }
    }

    public func archive(_ id: SessionID) async throws(SessionStoreError) {
        try await setArchived(id, true)
    }

    public func unarchive(_ id: SessionID) async throws(SessionStoreError) {
        try await setArchived(id, false)
    }

    private func setArchived(_ id: SessionID, _ archived: Bool) async throws(SessionStoreError) {
        do {
            try await database.write { db in
                try db.execute(
                    sql: "UPDATE sessions SET archived = ? WHERE id = ?", arguments: [archived ? 1 : 0, id.description])
                if db.changesCount == 0 { throw StoreFault.notFound(id) }
            }
        } catch {
            throw error.sessionError
        }
    }

    public func delete(_ id: SessionID) async throws(SessionStoreError) {
        do {
            // Messages and labels go with the session row (ON DELETE CASCADE). Blobs stay: they are shared by
            // content and reclaimed by a later prune.
            try await database.write { db in
                try db.execute(sql: "DELETE FROM sessions WHERE id = ?", arguments: [id.description])
                if db.changesCount == 0 { throw StoreFault.notFound(id) }
            }
        } catch {
            throw error.sessionError
        }
        database.prefixes.remove(id)
    }
}
