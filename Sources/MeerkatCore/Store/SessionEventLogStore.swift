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
    /// Appends events in order (one transaction where the backend has them) and returns them with their sequence
    /// numbers: the same as appending each in turn, but a burst of events costs one write.
    func append(session: SessionID, entries: [SessionEventEntry]) async throws(SessionStoreError)
        -> [SessionEventRecord]
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

/// An event to append to a session's log (it gets its sequence number from the store).
public struct SessionEventEntry: Sendable, Hashable {
    /// `agent` or `runtime` (see `SessionEventRecord.kind`).
    public var kind: String
    public var timestamp: Date
    public var event: JSONValue

    public init(kind: String, timestamp: Date, event: JSONValue) {
        self.kind = kind
        self.timestamp = timestamp
        self.event = event
    }
}

extension SessionEventLogStore {
    /// Appends one by one (for stores without a cheaper batch).
    public func append(session: SessionID, entries: [SessionEventEntry]) async throws(SessionStoreError)
        -> [SessionEventRecord]
    {
        var records: [SessionEventRecord] = []
        records.reserveCapacity(entries.count)
        for entry in entries {
            records.append(
                try await append(session: session, kind: entry.kind, timestamp: entry.timestamp, event: entry.event))
        }
        return records
    }
}
