import Foundation
import Logging
import MeerkatCore
import MeerkatRuntime
import Synchronization

/// Copies one live session's agent and runtime events into its event log, in arrival order.
///
/// Two forwarders drain the (bounded) agent bus and the runtime stream into one unbounded queue at once, so the
/// publishers never wait on the log's writes; a single consumer appends from that queue, which keeps the log's
/// sequence order equal to the delivery order. The consumer takes everything queued at once and appends it as one
/// batch (one store write): a turn publishes a dozen or more events in quick succession, and one write per event
/// kept a SQLite realm's writer busy with the log while the run waited to commit. `stop` ends the forwarders and
/// lets the consumer drain what was already queued.
final class SessionEventPump: Sendable {
    /// Events waiting for the consumer, in arrival order.
    private final class Queue: Sendable {
        private let pending = Mutex<[SessionEventEntry]>([])
        /// Wakes the consumer; signals that arrive while it works collapse into one.
        private let signal: AsyncStream<Void>.Continuation
        let wakeups: AsyncStream<Void>

        init() {
            (wakeups, signal) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        }

        func push(_ entry: SessionEventEntry) {
            pending.withLock { $0.append(entry) }
            signal.yield()
        }

        /// Everything queued so far, oldest first (at most `limit` entries).
        func take(limit: Int) -> [SessionEventEntry] {
            pending.withLock { pending in
                guard pending.count > limit else {
                    defer { pending.removeAll(keepingCapacity: true) }
                    return pending
                }
                defer { pending.removeFirst(limit) }
                return Array(pending.prefix(limit))
            }
        }

        func finish() { signal.finish() }
    }

    /// The most events one store write takes.
    static let batchLimit = 512

    private let forwarders: [Task<Void, Never>]
    private let queue = Queue()
    let consumer: Task<Void, Never>

    init(
        session: SessionID, agentEvents: AsyncStream<EventEnvelope>, runtimeEvents: AsyncStream<RuntimeEvent>?,
        log: SessionEventLog, stats: SessionServiceStats, logger: Logger
    ) {
        let queue = self.queue
        var forwarders = [
            Task {
                for await envelope in agentEvents {
                    stats.record(envelope.payload)
                    guard let json = try? WireJSON.toJSONValue(envelope.payload) else { continue }
                    queue.push(
                        SessionEventEntry(
                            kind: "agent", timestamp: Date(timeIntervalSince1970: Double(envelope.timestampMS) / 1000),
                            event: json))
                }
            }
        ]
        if let runtimeEvents {
            forwarders.append(
                Task {
                    for await event in runtimeEvents {
                        guard let json = try? WireJSON.toJSONValue(event) else { continue }
                        queue.push(SessionEventEntry(kind: "runtime", timestamp: event.timestamp, event: json))
                    }
                })
        }
        self.forwarders = forwarders
        consumer = Task {
            func drain() async {
                while true {
                    let batch = queue.take(limit: Self.batchLimit)
                    guard !batch.isEmpty else { return }
                    do {
                        try await log.append(session: session, entries: batch)
                    } catch {
                        logger.error(
                            "event log append failed",
                            metadata: [
                                "session": .string(session.description), "events": .stringConvertible(batch.count),
                                "error": .string("\(error)"),
                            ])
                    }
                }
            }
            for await _ in queue.wakeups { await drain() }
            await drain()
        }
    }

    /// Stops forwarding; events already queued are still appended.
    func stop() {
        for forwarder in forwarders { forwarder.cancel() }
        queue.finish()
    }
}
