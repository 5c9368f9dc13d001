public import Foundation
import GRDB
public import MeerkatCore

/// The durable per-session event log in a realm's `realm.sqlite3` (table `session_events`, migration v4).
///
/// Each append — one event or a batch — is one (group-committed) transaction that reads the session's last sequence
/// number and inserts the next ones, so numbers stay dense and survive restarts.
public final class SQLiteSessionEventLogStore: SessionEventLogStore {
    /// The shared realm database.
    public let database: RealmDatabase

    public init(database: RealmDatabase) {
        self.database = database
    }

    /// The most rows one insert statement carries (a run logs about twenty events).
    static let insertBatch = 32

    /// The insert of `rows` rows (each count is its own cached statement, at most `insertBatch` of them); written
    /// once per process, as GRDB finds a cached statement by its text.
    static func insertSQL(rows: Int) -> String { insertSQLs[rows] }

    private static let insertSQLs: [String] = (0...insertBatch).map { rows in
        "INSERT INTO session_events (session_id, seq, kind, created_at, event) VALUES "
            + repeatElement("(?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
    }

    public func append(session: SessionID, kind: String, timestamp: Date, event: JSONValue)
        async throws(SessionStoreError) -> SessionEventRecord
    {
        let records = try await append(
            session: session, entries: [SessionEventEntry(kind: kind, timestamp: timestamp, event: event)])
        return records[0]
    }

    public func append(session: SessionID, entries: [SessionEventEntry]) async throws(SessionStoreError)
        -> [SessionEventRecord]
    {
        guard !entries.isEmpty else { return [] }
        let events = entries.map(\.event)
        let first = try await insert(session: session, entries: entries, events: events)
        return entries.enumerated().map { offset, entry in
            SessionEventRecord(
                session: session, seq: first + UInt64(offset), kind: entry.kind, timestamp: entry.timestamp,
                event: events[offset])
        }
    }

    public func appendEntries(session: SessionID, _ entries: [SessionEventEntry]) async throws(SessionStoreError)
        -> UInt64
    {
        guard !entries.isEmpty else { return 0 }
        return try await insert(session: session, entries: entries, events: entries.map(\.event))
    }

    /// Inserts the entries after the session's last sequence number, in one transaction; returns the first number.
    private func insert(session: SessionID, entries: [SessionEventEntry], events: [JSONValue])
        async throws(SessionStoreError) -> UInt64
    {
        let rows = zip(entries, events).map { entry, event in
            (entry.kind, WireJSON.formatDate(entry.timestamp), event.compactText())
        }
        let key = session.description
        do {
            let first = try await database.write { db -> Int64 in
                let last =
                    try Int64.fetchOne(
                        db.cachedStatement(sql: "SELECT MAX(seq) FROM session_events WHERE session_id = ?"),
                        arguments: [key])
                    ?? 0
                // Up to `insertBatch` rows per statement: one statement step instead of one per event.
                var offset = 0
                while offset < rows.count {
                    let count = min(Self.insertBatch, rows.count - offset)
                    var arguments: [(any DatabaseValueConvertible)?] = []
                    arguments.reserveCapacity(count * 5)
                    for (index, row) in rows[offset..<offset + count].enumerated() {
                        arguments += [key, last + 1 + Int64(offset + index), row.0, row.1, row.2]
                    }
                    try db.cachedStatement(sql: Self.insertSQL(rows: count))
                        .execute(arguments: StatementArguments(arguments))
                    offset += count
                }
                return last + 1
            }
            return UInt64(first)
        } catch {
            throw error.sessionError
        }
    }

    public func events(session: SessionID, after: UInt64, limit: Int) async throws(SessionStoreError)
        -> [SessionEventRecord]
    {
        let key = session.description
        let rows: [(seq: Int64, kind: String, created: String, event: String)]
        do {
            rows = try await database.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT seq, kind, created_at, event FROM session_events
                        WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?
                        """,
                    arguments: [key, Int64(clamping: after), max(0, limit)]
                ).map { row in (seq: row["seq"], kind: row["kind"], created: row["created_at"], event: row["event"]) }
            }
        } catch {
            throw error.sessionError
        }
        var out: [SessionEventRecord] = []
        out.reserveCapacity(rows.count)
        for row in rows {
            let event: JSONValue
            do {
                event = try JSONValue.parse(row.event)
            } catch {
                throw .corrupt("session_events \(key)#\(row.seq): \(error)")
            }
            out.append(
                SessionEventRecord(
                    session: session, seq: UInt64(row.seq), kind: row.kind,
                    timestamp: WireJSON.parseDate(row.created) ?? Date(), event: event))
        }
        return out
    }

    public func bounds(session: SessionID) async throws(SessionStoreError) -> ClosedRange<UInt64>? {
        let key = session.description
        do {
            return try await database.read { db -> ClosedRange<UInt64>? in
                guard
                    let row = try Row.fetchOne(
                        db, sql: "SELECT MIN(seq) AS first, MAX(seq) AS last FROM session_events WHERE session_id = ?",
                        arguments: [key]),
                    let first: Int64 = row["first"], let last: Int64 = row["last"]
                else { return nil }
                return UInt64(first)...UInt64(last)
            }
        } catch {
            throw error.sessionError
        }
    }

    public func prune(session: SessionID, keepLast: Int, olderThan: Date) async throws(SessionStoreError) {
        let key = session.description
        let cutoff = WireJSON.formatDate(olderThan)
        let keep = Int64(max(1, keepLast))
        do {
            try await database.write { db in
                guard
                    let last = try Int64.fetchOne(
                        db, sql: "SELECT MAX(seq) FROM session_events WHERE session_id = ?", arguments: [key])
                else { return }
                // The newest entry always stays: it carries the next sequence number.
                try db.execute(
                    sql: """
                        DELETE FROM session_events WHERE session_id = ? AND seq < ? AND (seq <= ? OR created_at < ?)
                        """,
                    arguments: [key, last, last - keep, cutoff])
            }
        } catch {
            throw error.sessionError
        }
    }

    public func delete(session: SessionID) async throws(SessionStoreError) {
        let key = session.description
        do {
            try await database.write { db in
                try db.execute(sql: "DELETE FROM session_events WHERE session_id = ?", arguments: [key])
            }
        } catch {
            throw error.sessionError
        }
    }
}
