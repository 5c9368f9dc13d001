public import Foundation

/// Where a realm keeps its per-session event logs (the in-memory and SQLite backends implement it).
///
/// The store assigns sequence numbers: `append` gives the new event the session's last sequence plus one, also
/// after `prune` removed older entries (the newest entry of a session is never pruned, so the next number is
/// always known).
public protocol SessionEventLogStore: Sendable {
    /// Appends an event and returns it with its sequence number.
    func append(session: SessionID, kind: String, timestamp: Date, event: JSONValue) async throws(SessionStoreError)
        -> SessionEventRecord
    /// Up to `limit` events with a sequence number above `after`, oldest first.
    func events(session: SessionID, after: UInt64, limit: Int) async throws(SessionStoreError) -> [SessionEventRecord]
    /// The oldest and newest sequence numbers kept for the session (nil when nothing is logged).
    func bounds(session: SessionID) async throws(SessionStoreError) -> ClosedRange<UInt64>?
    /// Drops the session's events beyond the newest `keepLast` and those older than `olderThan`, always keeping
    /// the newest one.
    func prune(session: SessionID, keepLast: Int, olderThan: Date) async throws(SessionStoreError)
    /// Forgets the session's log (when the session is deleted).
    func delete(session: SessionID) async throws(SessionStoreError)
}
