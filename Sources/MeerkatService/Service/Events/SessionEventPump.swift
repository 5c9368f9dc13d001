import Foundation
import Logging
import MeerkatCore
import MeerkatRuntime
import Synchronization

/// Copies one live session's agent and runtime events into its event log, in arrival order.
///
/// The pump attaches a sink to the agent's event bus and to the runtime's event stream: publishing an event only
/// appends it to this pump's queue (no task per event, no wait on the log). A consumer task exists only while events
/// are queued: it waits `SessionEventLogPolicy.appendDelay` for the rest of the burst, converts the events to JSON,
/// appends everything queued as one batch (one store write) and ends when the queue is empty, so an idle session holds
/// no task. A turn publishes a dozen or more events in quick succession; one write per event kept a SQLite realm's
/// writer busy with the log while the run waited to commit. `stop` detaches the sinks; what was already queued is
/// still appended, at once (`drained` waits for it).
final class SessionEventPump: Sendable {
    /// One published event, converted by the consumer.
    private enum Item: Sendable {
        case agent(EventEnvelope)
        case runtime(RuntimeEvent)
    }

    private struct State {
        var pending: [Item] = []
        /// The consumer appending the queue, nil while it is empty.
        var consumer: Task<Void, Never>?
        /// The consumer waiting out the append delay.
        var waiting: CheckedContinuation<Void, Never>?
        var stopped = false
    }

    /// The most events one store write takes.
    static let batchLimit = 512

    private let session: SessionID
    private let log: SessionEventLog
    private let logger: Logger
    private let state = Mutex(State())
    private let detach: Mutex<[@Sendable () -> Void]>

    init(
        session: SessionID, agentEvents: EventBus, runtimeEvents: RuntimeEventStream?, log: SessionEventLog,
        stats: SessionServiceStats, logger: Logger
    ) {
        self.session = session
        self.log = log
        self.logger = logger
        detach = Mutex([])
        // The sinks capture the pump weakly: the service owns it, and a stopped pump lets go of the session.
        var detachers = [
            agentEvents.attach { [weak self] envelope in
                stats.record(envelope.payload)
                self?.push([.agent(envelope)])
            }
        ]
        if let runtimeEvents {
            detachers.append(runtimeEvents.attach { [weak self] events in self?.push(events.map(Item.runtime)) })
        }
        detach.withLock { $0 = detachers }
    }

    /// Queues events and starts the consumer when none is running. The consumer is created under the lock (creating a
    /// task only enqueues it), so there is never more than one and none ends while events wait.
    private func push(_ items: [Item]) {
        state.withLock { state in
            state.pending.append(contentsOf: items)
            if state.consumer == nil { state.consumer = Task { await self.consume() } }
        }
    }

    /// Appends queued events in batches until the queue is empty.
    private func consume() async {
        // Events come in bursts (admission, run start, the answer, the boundary); gathering a burst makes it one write.
        let delay = log.policy.appendDelay
        if delay > .zero { await gather(for: delay) }
        while true {
            let batch = state.withLock { state -> [Item] in
                guard !state.pending.isEmpty else {
                    state.consumer = nil
                    return []
                }
                guard state.pending.count > Self.batchLimit else {
                    defer { state.pending.removeAll(keepingCapacity: true) }
                    return state.pending
                }
                defer { state.pending.removeFirst(Self.batchLimit) }
                return Array(state.pending.prefix(Self.batchLimit))
            }
            guard !batch.isEmpty else { return }
            let entries = batch.compactMap(Self.entry)
            guard !entries.isEmpty else { continue }
            do {
                try await log.append(session: session, entries: entries)
            } catch {
                logger.error(
                    "event log append failed",
                    metadata: [
                        "session": .string(session.description), "events": .stringConvertible(entries.count),
                        "error": .string("\(error)"),
                    ])
            }
        }
    }

    /// Waits `delay` for more events, or until the pump stops (a stopped pump writes what it has at once).
    private func gather(for delay: Duration) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.stopped { return true }
                state.waiting = continuation
                return false
            }
            if now {
                continuation.resume()
                return
            }
            // No task sleeps for it: one shared sleeper serves every such delay.
            DeadlineTimer.shared.schedule(after: delay) { [self] in endGathering() }
        }
    }

    private func endGathering() {
        state.withLock { state in
            defer { state.waiting = nil }
            return state.waiting
        }?.resume()
    }

    /// The log entry of an event (nil for one that cannot be encoded).
    private static func entry(_ item: Item) -> SessionEventEntry? {
        switch item {
        case .agent(let envelope):
            guard let json = try? WireJSON.toJSONValue(envelope.payload) else { return nil }
            return SessionEventEntry(
                kind: "agent", timestamp: Date(timeIntervalSince1970: Double(envelope.timestampMS) / 1000), event: json)
        case .runtime(let event):
            guard let json = try? WireJSON.toJSONValue(event) else { return nil }
            return SessionEventEntry(kind: "runtime", timestamp: event.timestamp, event: json)
        }
    }

    /// Stops taking events; events already queued are still appended, without waiting out the append delay.
    func stop() {
        state.withLock { $0.stopped = true }
        endGathering()
        for detach in detach.withLock({ detachers in
            defer { detachers.removeAll() }; return detachers
        }) { detach() }
    }

    /// True when no event waits and no consumer task exists (an idle session's pump).
    var isIdle: Bool { state.withLock { $0.pending.isEmpty && $0.consumer == nil } }

    /// Returns once every event queued so far is appended.
    func drained() async {
        while let consumer = state.withLock({ $0.consumer }) { await consumer.value }
    }
}
