public import Foundation
import Synchronization

/// The event log of the memory backend: lives as long as the process.
public final class InMemorySessionEventLogStore: SessionEventLogStore {
    // Every log behind one mutex; operations are short and never call out while holding it.
    private let logs = Mutex<[SessionID: [SessionEventRecord]]>([:])

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
        logs.withLock { logs in
            var seq = logs[session]?.last?.seq ?? 0
            let records = entries.map { entry in
                seq += 1
                return SessionEventRecord(
                    session: session, seq: seq, kind: entry.kind, timestamp: entry.timestamp, event: entry.event)
            }
            logs[session, default: []].append(contentsOf: records)
            return records
        }
    }

    public func events(session: SessionID, after: UInt64, limit: Int) async throws(SessionStoreError)
        -> [SessionEventRecord]
    {
        logs.withLock { logs in
            guard let log = logs[session] else { return [] }
            // Sequence numbers are dense from the first kept entry, so the start index is arithmetic.
            let start = log.firstIndex { $0.seq > after } ?? log.endIndex
            return Array(log[start...].prefix(max(0, limit)))
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
