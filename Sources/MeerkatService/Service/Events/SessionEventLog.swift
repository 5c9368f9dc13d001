public import Foundation
public import MeerkatCore
import Synchronization

/// The service's per-session event log: appends every agent and runtime event of live sessions to the realm's
/// durable `SessionEventLogStore`, fans new entries out to subscribers, and lets a subscriber resume after any
/// sequence number (replay from the store, then live, with no gap and no duplicate).
///
/// Slow subscribers never slow a run: each has a bounded buffer (`SessionEventLogPolicy.subscriberBuffer` beyond
/// its replay); one that overflows has its stream ended and resumes from the durable log with its last sequence.
public actor SessionEventLog {
    /// The realm's durable log.
    public nonisolated let store: any SessionEventLogStore
    /// Retention and buffering limits.
    public nonisolated let policy: SessionEventLogPolicy
    private let now: @Sendable () -> Date

    private struct Subscriber {
        /// Nil while the replay is read; live entries are kept in `pending` meanwhile.
        var continuation: AsyncStream<SessionEventStreamItem>.Continuation?
        var pending: [SessionEventRecord] = []
        var lastSeq: UInt64
    }

    private var subscribers: [SessionID: [Int: Subscriber]] = [:]
    /// The sessions with subscribers (the keys of `subscribers`), readable without the actor: the event pumps ask on
    /// every event.
    private nonisolated let watched = Mutex(Set<SessionID>())
    private var nextSubscriber = 0
    private var appendsSincePrune: [SessionID: Int] = [:]

    public init(
        store: any SessionEventLogStore, policy: SessionEventLogPolicy = SessionEventLogPolicy(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.policy = policy
        self.now = now
    }

    /// Appends one event and delivers it to the session's subscribers.
    @discardableResult
    public func append(session: SessionID, kind: String, event: JSONValue, timestamp: Date? = nil)
        async throws(SessionStoreError) -> SessionEventRecord
    {
        let record = try await store.append(session: session, kind: kind, timestamp: timestamp ?? now(), event: event)
        deliver(record)
        try await countAppends(session: session, 1)
        return record
    }

    /// Appends events in order in one store write and delivers each to the session's subscribers. The events
    /// become JSON only where needed: for subscribers, or for a store that writes JSON (an in-memory log keeps them
    /// as they are until someone reads).
    public func append(session: SessionID, entries: [SessionEventEntry]) async throws(SessionStoreError) {
        guard !entries.isEmpty else { return }
        let first = try await store.appendEntries(session: session, entries)
        if subscribers[session] != nil {
            for (offset, entry) in entries.enumerated() {
                deliver(
                    SessionEventRecord(
                        session: session, seq: first + UInt64(offset), kind: entry.kind, timestamp: entry.timestamp,
                        event: entry.event))
            }
        }
        try await countAppends(session: session, entries.count)
    }

    /// Prunes the session's log every `policy.pruneInterval` appends.
    private func countAppends(session: SessionID, _ appended: Int) async throws(SessionStoreError) {
        let count = appendsSincePrune[session, default: 0] + appended
        if count >= policy.pruneInterval {
            appendsSincePrune[session] = 0
            try await store.prune(
                session: session, keepLast: policy.maxEventsPerSession,
                olderThan: now().addingTimeInterval(-policy.maxAge))
        } else {
            appendsSincePrune[session] = count
        }
    }

    /// Subscribes to a session's events: with `after`, first every logged event with a greater sequence number
    /// (preceded by `.truncated` when some of them were pruned), then live ones; without it, live events only.
    public func subscribe(session: SessionID, after: UInt64?) async throws(SessionStoreError)
        -> AsyncStream<SessionEventStreamItem>
    {
        let id = nextSubscriber
        nextSubscriber += 1
        subscribers[session, default: [:]][id] = Subscriber(lastSeq: after ?? 0)
        watched.withLock { _ = $0.insert(session) }
        var replay: [SessionEventStreamItem] = []
        do {
            if let after {
                if let bounds = try await store.bounds(session: session), after + 1 < bounds.lowerBound {
                    replay.append(.truncated(requestedAfter: after, firstAvailable: bounds.lowerBound))
                }
                var cursor = after
                while true {
                    let page = try await store.events(session: session, after: cursor, limit: 1_000)
                    guard let last = page.last else { break }
                    replay += page.map(SessionEventStreamItem.event)
                    cursor = last.seq
                }
            }
        } catch {
            remove(session: session, id: id)
            throw error
        }
        guard var subscriber = subscribers[session]?[id] else {
            return AsyncStream { $0.finish() }
        }
        let capacity = replay.count + subscriber.pending.count + policy.subscriberBuffer
        let (stream, continuation) = AsyncStream<SessionEventStreamItem>.makeStream(
            bufferingPolicy: .bufferingOldest(capacity))
        var last = after ?? 0
        for item in replay {
            continuation.yield(item)
            if case .event(let record) = item { last = record.seq }
        }
        for record in subscriber.pending where after == nil || record.seq > last {
            continuation.yield(.event(record))
            last = record.seq
        }
        subscriber.pending = []
        subscriber.lastSeq = last
        subscriber.continuation = continuation
        subscribers[session]?[id] = subscriber
        continuation.onTermination = { [weak self] _ in
            Task { await self?.remove(session: session, id: id) }
        }
        return stream
    }

    /// The newest sequence number logged for a session (0 when nothing is).
    public func lastSeq(session: SessionID) async throws(SessionStoreError) -> UInt64 {
        try await store.bounds(session: session)?.upperBound ?? 0
    }

    /// Ends every subscription of a session (it was deleted or archived).
    public func finish(session: SessionID) {
        watched.withLock { _ = $0.remove(session) }
        for subscriber in (subscribers.removeValue(forKey: session) ?? [:]).values {
            subscriber.continuation?.finish()
        }
    }

    /// True while a session has subscribers (live or reading their replay).
    public nonisolated func hasSubscribers(session: SessionID) -> Bool {
        watched.withLock { $0.contains(session) }
    }

    /// Number of live subscriptions of a session (for tests and metrics).
    public func subscriberCount(session: SessionID) -> Int {
        subscribers[session]?.count ?? 0
    }

    private func remove(session: SessionID, id: Int) {
        subscribers[session]?.removeValue(forKey: id)
        if subscribers[session]?.isEmpty == true {
            subscribers.removeValue(forKey: session)
            watched.withLock { _ = $0.remove(session) }
        }
    }

    private func deliver(_ record: SessionEventRecord) {
        guard let current = subscribers[record.session] else { return }
        for (id, var subscriber) in current {
            guard let continuation = subscriber.continuation else {
                subscriber.pending.append(record)
                subscribers[record.session]?[id] = subscriber
                continue
            }
            guard record.seq > subscriber.lastSeq else { continue }
            switch continuation.yield(.event(record)) {
            case .enqueued:
                subscriber.lastSeq = record.seq
                subscribers[record.session]?[id] = subscriber
            case .dropped:
                // Too far behind: end the stream so the client resumes from the log instead of losing events.
                continuation.finish()
                remove(session: record.session, id: id)
            case .terminated:
                remove(session: record.session, id: id)
            @unknown default:
                remove(session: record.session, id: id)
            }
        }
    }
}
