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
    /// Appends events in order, as `append(session:entries:)` does, and returns the first one's sequence number
    /// without building records (the entries' JSON is made only where the store needs it); 0 for no entries.
    func appendEntries(session: SessionID, _ entries: [SessionEventEntry]) async throws(SessionStoreError) -> UInt64
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
public struct SessionEventEntry: Sendable {
    /// `agent` or `runtime` (see `SessionEventRecord.kind`).
    public var kind: String
    public var timestamp: Date
    /// The event: its JSON, or the event itself, made JSON when a store or a reader first needs it.
    public var payload: SessionEventPayload

    /// An entry whose JSON is already made.
    public init(kind: String, timestamp: Date, event: JSONValue) {
        self.init(kind: kind, timestamp: timestamp, payload: .json(event))
    }

    /// An entry whose JSON is made when first needed (an in-memory log never needs it unless someone reads).
    public init(kind: String, timestamp: Date, source: any SessionEventSource) {
        self.init(kind: kind, timestamp: timestamp, payload: .deferred(source))
    }

    public init(kind: String, timestamp: Date, payload: SessionEventPayload) {
        self.kind = kind
        self.timestamp = timestamp
        self.payload = payload
    }

    /// The event as JSON (see `SessionEventPayload.json`).
    public var event: JSONValue { payload.json }
}

/// An event that can say itself as JSON, for a session's log.
public protocol SessionEventSource: Sendable {
    /// The event as the log stores it.
    func logJSON() throws -> JSONValue
}

/// A logged event's content: JSON, or an event that becomes JSON when first needed.
///
/// Converting every event of every run to JSON for a log that nobody reads was a measurable part of an in-memory
/// run (docs/performance.md); the in-memory store keeps `deferred` events as they are until a reader asks.
public enum SessionEventPayload: Sendable {
    case json(JSONValue)
    case deferred(any SessionEventSource)

    /// The event as JSON. An event that cannot be encoded (a non-finite number, say) is logged as
    /// `{"type": "unencodable_event", "error": "…"}` rather than dropped, so every store numbers the same events.
    public var json: JSONValue {
        switch self {
        case .json(let value):
            return value
        case .deferred(let source):
            do {
                return try source.logJSON()
            } catch {
                return .object(["type": .string("unencodable_event"), "error": .string("\(error)")])
            }
        }
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

    /// Appends through `append(session:entries:)` (for stores without a cheaper way).
    public func appendEntries(session: SessionID, _ entries: [SessionEventEntry]) async throws(SessionStoreError)
        -> UInt64
    {
        try await append(session: session, entries: entries).first?.seq ?? 0
    }
}
