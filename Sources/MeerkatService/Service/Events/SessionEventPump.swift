import Foundation
import Logging
import MeerkatCore
import MeerkatRuntime
import Synchronization

/// Copies one live session's agent and runtime events into its event log, in arrival order.
///
/// The pump attaches a sink to the agent's event bus and to the runtime's event stream: publishing an event only
/// appends it to this pump's queue (no task per event, no wait on the log). A consumer task exists only while events
/// are being written: it appends everything queued as one batch (one store write) and
/// ends when the queue is empty, so an idle session holds no task. When the consumer starts depends on who watches:
///
/// - while the session has live subscribers, at the first event, after waiting `SessionEventLogPolicy.appendDelay`
///   for the rest of the burst (subscribers see events that much later at most);
/// - otherwise when the runtime leaves `running` (the end of a run: one write per run), when `batchLimit` events wait,
///   or `SessionEventLogPolicy.unobservedDelay` after the first waiting event, whichever comes first. No timer is armed
///   per run and no task runs mid-run for a log nobody reads yet; a reader first calls `drained()`, which writes
///   what waits.
///
/// A turn publishes a dozen or more events in quick succession; one write per event kept a SQLite realm's writer busy
/// with the log while the run waited to commit. `stop` detaches the sinks; what was already queued is still appended,
/// at once (`drained` waits for it).
final class SessionEventPump: Sendable {
    /// One published event, as published (the store converts it to JSON if it needs to).
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
        /// The timer that writes unobserved events at the latest `unobservedDelay` after the first one.
        var deadline: DeadlineTimer.Token?
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
            detachers.append(
                runtimeEvents.attach { [weak self] events in
                    self?.push(events.map(Item.runtime), endsRun: events.contains(where: Self.endsRun))
                })
        }
        detach.withLock { $0 = detachers }
    }

    /// True for the event that ends a run: the runtime leaving `running`.
    private static func endsRun(_ event: RuntimeEvent) -> Bool {
        if case .runtimeStateChanged(let from, let to) = event.kind { return from == .running && to != .running }
        return false
    }

    /// Queues events and starts the consumer when one should run and none is running (see the type's documentation).
    /// The consumer is created under the lock (creating a task only enqueues it), so there is never more than one and
    /// none ends while events wait.
    private func push(_ items: [Item], endsRun: Bool = false) {
        let watched = log.hasSubscribers(session: session)
        var cancelled: DeadlineTimer.Token?
        state.withLock { state in
            state.pending.append(contentsOf: items)
            guard state.consumer == nil else { return }
            if watched {
                state.consumer = Task { await self.consume(gathering: true) }
            } else if endsRun || state.pending.count >= Self.batchLimit || state.stopped {
                cancelled = state.deadline
                state.deadline = nil
                state.consumer = Task { await self.consume(gathering: false) }
            } else if state.deadline == nil {
                state.deadline = DeadlineTimer.shared.schedule(after: log.policy.unobservedDelay) { [weak self] in
                    self?.flush()
                }
            }
        }
        if let cancelled { DeadlineTimer.shared.cancel(cancelled) }
    }

    /// Starts writing whatever waits, now (a reader is about to look, the pump stops, or the unobserved delay ended).
    func flush() {
        let cancelled = state.withLock { state -> DeadlineTimer.Token? in
            defer { state.deadline = nil }
            if state.consumer == nil, !state.pending.isEmpty {
                state.consumer = Task { await self.consume(gathering: false) }
            }
            return state.deadline
        }
        if let cancelled { DeadlineTimer.shared.cancel(cancelled) }
    }

    /// Appends queued events in batches until the queue is empty.
    private func consume(gathering: Bool) async {
        // Events come in bursts (admission, run start, the answer, the boundary); gathering a burst makes it one write.
        let delay = log.policy.appendDelay
        if gathering, delay > .zero { await gather(for: delay) }
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
            let entries = batch.map(Self.entry)
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

    /// The log entry of an event, left unconverted: the store makes it JSON if it needs to.
    private static func entry(_ item: Item) -> SessionEventEntry {
        switch item {
        case .agent(let envelope):
            return SessionEventEntry(
                kind: "agent", timestamp: Date(timeIntervalSince1970: Double(envelope.timestampMS) / 1000),
                source: envelope.payload)
        case .runtime(let event):
            return SessionEventEntry(kind: "runtime", timestamp: event.timestamp, source: event)
        }
    }

    /// Stops taking events; events already queued are still appended, without waiting out the append delay.
    func stop() {
        state.withLock { $0.stopped = true }
        endGathering()
        flush()
        for detach in detach.withLock({ detachers in
            defer { detachers.removeAll() }; return detachers
        }) { detach() }
    }

    /// True when no event waits and no consumer task exists (an idle session's pump).
    var isIdle: Bool { state.withLock { $0.pending.isEmpty && $0.consumer == nil } }

    /// Writes what waits and returns once every event queued so far is appended.
    func drained() async {
        flush()
        while let consumer = state.withLock({ $0.consumer }) { await consumer.value }
    }
}
