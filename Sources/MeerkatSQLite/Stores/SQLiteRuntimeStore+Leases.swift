import Foundation
import GRDB
public import MeerkatCore
public import MeerkatRuntime

extension SQLiteRuntimeStore {
    /// Takes the ownership lease of `session` for `ttl`: succeeds when the session is unleased, its lease expired,
    /// or `owner` already holds it (then it is extended). Throws `ownedElsewhere` while another owner's lease is
    /// live. Holders renew before `ttl` runs out; a crashed holder's lease simply lapses.
    @discardableResult
    public func acquireLease(session: SessionID, owner: String, ttl: Duration) async throws(RuntimeStoreError)
        -> SessionLease
    {
        let now = now()
        let path = database.path
        do {
            return try await database.write { db in
                try Self.takeLease(db, session, owner: owner, ttl: ttl, now: now, path: path)
            }
        } catch {
            throw error.runtimeError
        }
    }

    /// `acquireLease` for a session being created, with the session's first save in the same transaction: a new
    /// session costs one write, and a refused lease leaves no session row behind. The session is saved in this
    /// store's database, so callers use it only when that is where their session store keeps sessions
    /// (`keepsSessions(of:)`).
    @discardableResult
    public func acquireLease(creating session: Session, owner: String, ttl: Duration)
        async throws(RuntimeStoreError) -> SessionLease
    {
        let now = now()
        let database = database
        do {
            let (lease, digest) = try await database.write { db in
                let lease = try Self.takeLease(db, session.id, owner: owner, ttl: ttl, now: now, path: database.path)
                return (lease, try SessionRows.append(db, session, runID: nil, database: database))
            }
            database.prefixes.store(session.id, messages: session.messages, digest: digest)
            return lease
        } catch {
            throw error.runtimeError
        }
    }

    /// True when `sessions` keeps its sessions in this store's database (the same realm).
    public func keepsSessions(of sessions: any SessionStore) -> Bool {
        (sessions as? SQLiteSessionStore)?.database === database
    }

    private static func takeLease(
        _ db: Database, _ session: SessionID, owner: String, ttl: Duration, now: Date, path: String
    ) throws -> SessionLease {
        let current = try LeaseRows.fetch(db, session)
        if let current, current.owner != owner, current.isLive(at: now) {
            throw StoreFault.ownedElsewhere(LeaseRows.describe(current, path: path))
        }
        let kept = current.flatMap { $0.owner == owner && $0.isLive(at: now) ? $0.acquiredAt : nil }
        let lease = SessionLease(
            sessionID: session, owner: owner, acquiredAt: kept ?? now,
            expiresAt: LeaseRows.date(LeaseRows.milliseconds(now) + LeaseRows.milliseconds(ttl)))
        try LeaseRows.write(db, lease)
        return lease
    }

    /// Extends a lease `owner` holds to `now + ttl`. Throws `ownedElsewhere` when the lease was released or taken
    /// over (after lapsing) by another owner: the caller must stop running the session.
    @discardableResult
    public func renewLease(session: SessionID, owner: String, ttl: Duration) async throws(RuntimeStoreError)
        -> SessionLease
    {
        let now = now()
        let path = database.path
        do {
            return try await database.write { db in
                guard var lease = try LeaseRows.fetch(db, session) else {
                    throw StoreFault.ownedElsewhere("session \(session) in \(path): the lease of \(owner) was released")
                }
                guard lease.owner == owner else {
                    throw StoreFault.ownedElsewhere(LeaseRows.describe(lease, path: path))
                }
                lease.expiresAt = LeaseRows.date(LeaseRows.milliseconds(now) + LeaseRows.milliseconds(ttl))
                try LeaseRows.write(db, lease)
                return lease
            }
        } catch {
            throw error.runtimeError
        }
    }

    /// Gives up a lease `owner` holds (a no-op when it holds none).
    public func releaseLease(session: SessionID, owner: String) async throws(RuntimeStoreError) {
        do {
            try await database.write { db in
                try db.execute(
                    sql: "DELETE FROM session_leases WHERE session_id = ? AND owner = ?",
                    arguments: [session.description, owner])
            }
        } catch {
            throw error.runtimeError
        }
    }

    /// The current lease of `session` (live or lapsed), if any.
    public func lease(session: SessionID) async throws(RuntimeStoreError) -> SessionLease? {
        try await read { db in try LeaseRows.fetch(db, session) }
    }
}
