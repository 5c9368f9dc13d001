import Foundation
import Synchronization

/// Fans a session's events out to subscribers. Each subscriber has a bounded buffer; one that falls behind
/// loses events and receives a `stream_truncated` marker instead of slowing the publisher.
public final class EventBus: Sendable {
    private struct Subscriber {
        var continuation: AsyncStream<EventEnvelope>.Continuation
        var dropped: Int = 0
        var lastDroppedSeq: UInt64 = 0
    }

    private struct State {
        var seq: UInt64 = 0
        var nextID: Int = 0
        var subscribers: [Int: Subscriber] = [:]
        var sinks: [Int: @Sendable (EventEnvelope) -> Void] = [:]
    }

    /// Events published so far get sequence numbers 1, 2, 3, ...
    public let source: String
    /// Buffer size of each subscriber.
    public let capacity: Int
    // All mutable state lives behind this mutex; yields happen while holding it so that every subscriber
    // sees envelopes in `seq` order even when several tasks publish. `AsyncStream.Continuation.yield` never
    // blocks and never calls back into this type, so holding the lock across it cannot deadlock.
    private let state = Mutex(State())

    public init(source: String, capacity: Int = 256) {
        self.source = source
        self.capacity = max(1, capacity)
    }

    /// A new subscription receiving every event published from now on. Ends when the bus is finished or the
    /// consumer stops iterating.
    public func subscribe() -> AsyncStream<EventEnvelope> {
        let (stream, continuation) = AsyncStream<EventEnvelope>.makeStream(bufferingPolicy: .bufferingOldest(capacity))
        let id = state.withLock { state -> Int in
            state.nextID += 1
            state.subscribers[state.nextID] = Subscriber(continuation: continuation)
            return state.nextID
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Attaches a sink: a function called with every envelope published from now on, synchronously and in `seq` order,
    /// while the bus's lock is held. It must be quick and must not publish on this bus; it is never dropped from and
    /// costs no task (the session's event log takes every event this way). Returns the function that detaches it.
    public func attach(_ sink: @escaping @Sendable (EventEnvelope) -> Void) -> @Sendable () -> Void {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            state.sinks[state.nextID] = sink
            return state.nextID
        }
        return { [weak self] in self?.state.withLock { _ = $0.sinks.removeValue(forKey: id) } }
    }

    /// Number of live subscribers.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// The sequence number of the last published event (0 before any).
    public var lastSeq: UInt64 { state.withLock { $0.seq } }

    /// Publishes an event to every subscriber and returns its envelope.
    @discardableResult
    public func publish(_ event: AgentEvent) -> EventEnvelope {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return state.withLock { state in
            state.seq += 1
            let envelope = EventEnvelope(source: source, seq: state.seq, timestampMS: now, payload: event)
            for sink in state.sinks.values { sink(envelope) }
            for (id, var subscriber) in state.subscribers {
                if subscriber.dropped > 0 {
                    let marker = EventEnvelope(
                        source: source, seq: subscriber.lastDroppedSeq, timestampMS: now,
                        payload: .streamTruncated(dropped: subscriber.dropped))
                    if case .enqueued = subscriber.continuation.yield(marker) {
                        subscriber.dropped = 0
                    }
                }
                if subscriber.dropped == 0, case .enqueued = subscriber.continuation.yield(envelope) {
                    // delivered
                } else {
                    subscriber.dropped += 1
                    subscriber.lastDroppedSeq = envelope.seq
                }
                state.subscribers[id] = subscriber
            }
            return envelope
        }
    }

    /// Ends every subscription.
    public func finish() {
        let continuations = state.withLock { state in
            let all = state.subscribers.values.map(\.continuation)
            state.subscribers.removeAll()
            state.sinks.removeAll()
            return all
        }
        for continuation in continuations { continuation.finish() }
    }
}
