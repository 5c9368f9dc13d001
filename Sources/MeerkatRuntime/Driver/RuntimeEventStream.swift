import Foundation
import Synchronization

/// Fans runtime observability events out to subscribers (unbounded per subscriber: runtime events are few —
/// a handful per input — unlike streamed model deltas).
public final class RuntimeEventStream: Sendable {
    // Guarded by the mutex.
    private let subscribers = Mutex<[Int: AsyncStream<RuntimeEvent>.Continuation]>([:])
    private let sinks = Mutex<[Int: @Sendable ([RuntimeEvent]) -> Void]>([:])
    private let nextID = Mutex(0)

    public init() {}

    /// Events published from now on.
    public func subscribe() -> AsyncStream<RuntimeEvent> {
        let (stream, continuation) = AsyncStream<RuntimeEvent>.makeStream()
        let id = nextID.withLock { value -> Int in
            value += 1
            return value
        }
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLock { _ = $0.removeValue(forKey: id) }
        }
        return stream
    }

    /// Attaches a sink: a function called with each batch of events published from now on, synchronously on the
    /// publisher's path (it must be quick). It costs no task; the session's event log takes every event this way.
    /// Returns the function that detaches it.
    public func attach(_ sink: @escaping @Sendable ([RuntimeEvent]) -> Void) -> @Sendable () -> Void {
        let id = nextID.withLock { value -> Int in
            value += 1
            return value
        }
        sinks.withLock { $0[id] = sink }
        return { [weak self] in self?.sinks.withLock { _ = $0.removeValue(forKey: id) } }
    }

    /// True while someone is subscribed (publishers skip building events nobody receives).
    var hasSubscribers: Bool { subscribers.withLock { !$0.isEmpty } || sinks.withLock { !$0.isEmpty } }

    func publish(_ events: [RuntimeEvent]) {
        guard !events.isEmpty else { return }
        for sink in sinks.withLock({ Array($0.values) }) { sink(events) }
        let targets = subscribers.withLock { Array($0.values) }
        for continuation in targets {
            for event in events { continuation.yield(event) }
        }
    }

    /// Ends every subscription.
    public func finish() {
        let targets = subscribers.withLock { subscribers -> [AsyncStream<RuntimeEvent>.Continuation] in
            defer { subscribers.removeAll() }
            return Array(subscribers.values)
        }
        sinks.withLock { $0.removeAll() }
        for continuation in targets { continuation.finish() }
    }
}
