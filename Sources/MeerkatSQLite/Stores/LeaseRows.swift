import Foundation
import GRDB
import MeerkatCore

/// The `session_leases` table: one row per leased session (owner, acquisition and expiry in Unix milliseconds).
enum LeaseRows {
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    static func fetch(_ db: Database, _ session: SessionID) throws -> SessionLease? {
        // A cursor's row reads the statement in place, by position (no copied row, no column-name lookups): this
        // runs in every fenced write.
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: "SELECT owner, acquired_at_ms, expires_at_ms FROM session_leases WHERE session_id = ?"),
            arguments: [session.description])
        guard let row = try rows.next() else { return nil }
        return SessionLease(sessionID: session, owner: row[0], acquiredAt: date(row[1]), expiresAt: date(row[2]))
    }

    /// Throws `ownedElsewhere` when someone other than `owner` holds a live lease on `session`.
    static func fence(_ db: Database, session: SessionID, owner: String, nowMS: Int64, path: String) throws {
        guard let lease = try fetch(db, session), lease.owner != owner, milliseconds(lease.expiresAt) > nowMS else {
            return
        }
        throw StoreFault.ownedElsewhere(describe(lease, path: path))
    }

    static func describe(_ lease: SessionLease, path: String) -> String {
        "session \(lease.sessionID) in \(path) is leased by \(lease.owner) until \(WireJSON.formatDate(lease.expiresAt))"
    }

    static func write(_ db: Database, _ lease: SessionLease) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO session_leases (session_id, owner, acquired_at_ms, expires_at_ms) VALUES (?, ?, ?, ?)
                ON CONFLICT(session_id) DO UPDATE SET owner = excluded.owner, acquired_at_ms = excluded.acquired_at_ms,
                    expires_at_ms = excluded.expires_at_ms
                """
        ).execute(
            arguments: [
                lease.sessionID.description, lease.owner, milliseconds(lease.acquiredAt), milliseconds(lease.expiresAt),
            ])
    }
}
