public import Foundation
import Synchronization

/// The event log of the memory backend: lives as long as the process.
///
/// Entries are kept as they come: an event appended unconverted (`SessionEventPayload.deferred`) becomes JSON when a
/// reader asks for it (each read converts the entries it returns; appending is what happens on every run).
public final class InMemorySessionEventLogStore: SessionEventLogStore {
    private struct Entry {
        var seq: UInt64
        var kind: String
        var timestamp: Date
        var payload: SessionEventPayload
    }

    // Every log behind one mutex; operations are short and never call out while holding it.
    private let logs = Mutex<[SessionID: [Entry]]>([:])

    public init() {}

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
        // Records carry JSON, so a caller that wants them pays the conversion; the log keeps the converted events.
        let converted = entries.map { entry in
            SessionEventEntry(kind: entry.kind, timestamp: entry.timestamp, event: entry.event)
        }
        let first = try await appendEntries(session: session, converted)
        return converted.enumerated().map { offset, entry in
            SessionEventRecord(
                session: session, seq: first + UInt64(offset), kind: entry.kind, timestamp: entry.timestamp,
                event: entry.event)
        }
    }

    public func appendEntries(session: SessionID, _ entries: [SessionEventEntry]) async throws(SessionStoreError)
        -> UInt64
    {
        guard !entries.isEmpty else { return 0 }
        return logs.withLock { logs in
            let first = (logs[session]?.last?.seq ?? 0) + 1
            var seq = first
            logs[session, default: []].append(
                contentsOf: entries.map { entry in
                    defer { seq += 1 }
                    return Entry(seq: seq, kind: entry.kind, timestamp: entry.timestamp, payload: entry.payload)
                })
            return first
        }
    }

    public func events(session: SessionID, after: UInt64, limit: Int) async throws(SessionStoreError)
        -> [SessionEventRecord]
    {
        let page = logs.withLock { logs -> [Entry] in
            guard let log = logs[session] else { return [] }
            // Sequence numbers are dense from the first kept entry, so the start index is arithmetic.
            let start = log.firstIndex { $0.seq > after } ?? log.endIndex
            return Array(log[start...].prefix(max(0, limit)))
        }
        // Converted outside the lock, on every read: reading the log is rare next to appending to it.
        return page.map { entry in
            SessionEventRecord(
                session: session, seq: entry.seq, kind: entry.kind, timestamp: entry.timestamp,
                event: entry.payload.json)
        }
    }

    public func bounds(session: SessionID) async throws(SessionStoreError) -> ClosedRange<UInt64>? {
        logs.withLock { logs in
            guard let first = logs[session]?.first, let last = logs[session]?.last else { return nil }
            return first.seq...last.seq
        }
    }

    public func prune(session: SessionID, keepLast: Int, olderThan: Date) async throws(SessionStoreError) {
        logs.withLock { logs in
            // How many to drop is read first and the log is then changed in place: a copy of the log held while it
            // changes would make the change copy every event, on every prune, even when nothing is dropped.
            let drop: Int = {
                guard let log = logs[session], log.count > 1 else { return 0 }
                let overCount = max(0, log.count - max(1, keepLast))
                let tooOld = log.dropLast().prefix { $0.timestamp < olderThan }.count
                return min(log.count - 1, max(overCount, tooOld))
            }()
            if drop > 0 { logs[session]?.removeFirst(drop) }
        }
    }

    public func delete(session: SessionID) async throws(SessionStoreError) {
        _ = logs.withLock { $0.removeValue(forKey: session) }
    }
}
