import Foundation
import Synchronization

/// Fans runtime observability events out to subscribers (unbounded per subscriber: runtime events are few —
/// a handful per input — unlike streamed model deltas).
public final class RuntimeEventStream: Sendable {
    // Guarded by the mutex.
    private let subscribers = Mutex<[Int: AsyncStream<RuntimeEvent>.Continuation]>([:])
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

    /// True while someone is subscribed (publishers skip building events nobody receives).
    var hasSubscribers: Bool { subscribers.withLock { !$0.isEmpty } }

    func publish(_ events: [RuntimeEvent]) {
        guard !events.isEmpty else { return }
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
        for continuation in targets { continuation.finish() }
    }
}
