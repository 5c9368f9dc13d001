import Foundation
import MeerkatService

extension RPCServer {
    /// `session/subscribe`: `session/event` notifications from the session's durable event log (the one the REST SSE
    /// stream reads), agent and runtime events alike. With `after_seq`, every logged event after it is replayed
    /// first (also across a server restart), preceded by a `stream_truncated` notice when the log no longer keeps
    /// some of them; without it, only new events. A subscriber that falls too far behind is dropped by the log
    /// (a run never waits for a client): it gets `session/subscription_ended` with the last sequence it was sent
    /// and resumes from there.
    func subscribe(_ p: RPCParams, connection: RPCConnection) async throws(RPCError) -> JSONValue {
        try p.allowOnly(["session_id", "after_seq"])
        let id = try await resolve(p)
        let after = try p.int("after_seq", range: 0...Int(Int64.max / 2)).map { UInt64($0) }
        // Subscribe before reading the last sequence: nothing logged in between is lost.
        let stream = try await call { () throws(ServiceError) in
            try await service.eventStream(session: id, after: after)
        }
        let last = try await call { () throws(ServiceError) in try await service.lastLoggedEventSeq(id) }
        let session = JSONValue.string(id.description)
        let subscription = await connection.addSubscription { subscription in
            Task {
                var sent = after ?? last
                for await item in stream {
                    var params: [String: JSONValue] = ["subscription_id": .string(subscription), "session_id": session]
                    switch item {
                    case .event(let record):
                        params["seq"] = .number(Double(record.seq))
                        params["kind"] = .string(record.kind)
                        params["timestamp"] = (try? Self.json(record.timestamp)) ?? .null
                        params["event"] = record.event
                        sent = record.seq
                    case .truncated(let requestedAfter, let firstAvailable):
                        params["kind"] = "stream_truncated"
                        params["requested_after"] = .number(Double(requestedAfter))
                        params["first_available"] = .number(Double(firstAvailable))
                    }
                    await connection.notify("session/event", .object(params))
                }
                // The log ended the stream (the subscriber fell behind, or the session was deleted);
                // an unsubscribe or a closed connection cancels this task instead and needs no notice.
                guard !Task.isCancelled else { return }
                await connection.notify(
                    "session/subscription_ended",
                    [
                        "subscription_id": .string(subscription), "session_id": session,
                        "last_seq": .number(Double(sent)),
                    ])
                _ = await connection.removeSubscription(subscription)
            }
        }
        return ["subscription_id": .string(subscription), "session_id": session, "last_seq": .number(Double(last))]
    }
}
