import Foundation
import Logging
import MeerkatCore
import MeerkatRuntime

/// Copies one live session's agent and runtime events into its event log, in arrival order.
///
/// Two forwarders drain the (bounded) agent bus and the runtime stream into one unbounded queue at once, so the
/// publishers never wait on the log's writes; a single consumer appends from that queue, which keeps the log's
/// sequence order equal to the delivery order. `stop` ends the forwarders and lets the consumer drain what was
/// already queued.
final class SessionEventPump: Sendable {
    private let forwarders: [Task<Void, Never>]
    private let queue: AsyncStream<(String, JSONValue, Date)>.Continuation
    let consumer: Task<Void, Never>

    init(
        session: SessionID, agentEvents: AsyncStream<EventEnvelope>, runtimeEvents: AsyncStream<RuntimeEvent>?,
        log: SessionEventLog, stats: SessionServiceStats, logger: Logger
    ) {
        let (merged, queue) = AsyncStream<(String, JSONValue, Date)>.makeStream()
        self.queue = queue
        var forwarders = [
            Task {
                for await envelope in agentEvents {
                    stats.record(envelope.payload)
                    guard let json = try? WireJSON.toJSONValue(envelope.payload) else { continue }
                    queue.yield(
                        ("agent", json, Date(timeIntervalSince1970: Double(envelope.timestampMS) / 1000)))
                }
            }
        ]
        if let runtimeEvents {
            forwarders.append(
                Task {
                    for await event in runtimeEvents {
                        guard let json = try? WireJSON.toJSONValue(event) else { continue }
                        queue.yield(("runtime", json, event.timestamp))
                    }
                })
        }
        self.forwarders = forwarders
        consumer = Task {
            for await (kind, json, timestamp) in merged {
                do {
                    try await log.append(session: session, kind: kind, event: json, timestamp: timestamp)
                } catch {
                    logger.error(
                        "event log append failed",
                        metadata: ["session": .string(session.description), "error": .string("\(error)")])
                }
            }
        }
    }

    /// Stops forwarding; events already queued are still appended.
    func stop() {
        for forwarder in forwarders { forwarder.cancel() }
        queue.finish()
    }
}
