import Foundation
import MeerkatService

extension RPCServer {
    /// The events of a session after sequence `after` (nil: after the last one published so far), and that last
    /// sequence. The one place that chooses the event source: today the live bus (so only events still to come);
    /// with a durable per-session log this becomes the log's replay-then-follow stream.
    func eventSource(_ id: SessionID, after: UInt64?) async throws(RPCError) -> (AsyncStream<EventEnvelope>, UInt64) {
        // Subscribe before reading the last sequence: nothing published in between is lost.
        let live = try await call { () throws(ServiceError) in try await service.events(id) }
        let last = try await call { () throws(ServiceError) in try await service.lastEventSeq(id) }
        let from = after ?? last
        let stream = AsyncStream<EventEnvelope> { continuation in
            let task = Task {
                for await envelope in live where envelope.seq > from { continuation.yield(envelope) }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
        return (stream, last)
    }

    /// `session/subscribe`: `session/event` notifications for every event with a sequence above `after_seq`
    /// (default: the last one published, so only new events).
    func subscribe(_ p: RPCParams, connection: RPCConnection) async throws(RPCError) -> JSONValue {
        try p.allowOnly(["session_id", "after_seq"])
        let id = try await resolve(p)
        let after = try p.int("after_seq", range: 0...Int(Int64.max / 2)).map { UInt64($0) }
        let (stream, last) = try await eventSource(id, after: after)
        let subscription = await connection.addSubscription { subscription in
            Task {
                for await envelope in stream {
                    guard let event = try? Self.json(envelope) else { continue }
                    await connection.notify(
                        "session/event",
                        [
                            "subscription_id": .string(subscription), "session_id": .string(id.description),
                            "seq": .number(Double(envelope.seq)), "event": event,
                        ])
                }
            }
        }
        return [
            "subscription_id": .string(subscription), "session_id": .string(id.description),
            "last_seq": .number(Double(last)),
        ]
    }
}
