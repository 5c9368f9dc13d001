import Foundation
import HTTPTypes
import Hummingbird
import MeerkatService
import NIOCore
import ServiceLifecycle

/// `GET /sessions/{id}/events`: the session's logged events as Server-Sent Events.
///
/// Each event is `id: <seq>` / `event: agent|runtime` / `data: <record JSON>`. `Last-Event-ID` (or `?after=N`)
/// resumes after that sequence number from the durable log, then continues live; `?after=0` replays everything
/// the log keeps; without either, only new events are sent. A resume point older than the log gets an
/// `event: stream_truncated` first. A client that falls `subscriberBuffer` events behind is disconnected (it
/// reconnects with its last id and loses nothing); a graceful shutdown ends the stream.
extension RESTHandlers {
    func events(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let id = try await session(context)
        var after: UInt64?
        if let header = request.headers[Self.lastEventID] {
            guard let value = UInt64(header.trimmingCharacters(in: .whitespaces)) else {
                throw APIError(
                    status: 400, code: "invalid_header", message: "Last-Event-ID must be a sequence number",
                    field: "Last-Event-ID")
            }
            after = value
        } else if request.uri.queryParameters["after"] != nil {
            after = UInt64(try reader.int(request, "after", default: 0, range: 0...Int.max))
        }
        // The replay a resume asks for is not "falling behind": the relay holds it in full, plus the live buffer.
        let newest = try await service.lastLoggedEventSeq(id)
        let backlog = after.map { newest > $0 ? Int(clamping: newest - $0) : 0 } ?? 0
        let stream = try await service.eventStream(session: id, after: after)
        let buffer = service.eventLog.policy.subscriberBuffer + backlog
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                // Relay through a stream that graceful shutdown can finish (ending the response), bounded like the
                // log's own subscription (the replay plus the subscriber buffer) so a slow socket cannot hold
                // unbounded memory, while a resume of any length can still be replayed.
                let (relay, continuation) = AsyncStream<SessionEventStreamItem>.makeStream(
                    bufferingPolicy: .bufferingOldest(buffer))
                let feeder = Task {
                    for await item in stream {
                        if case .dropped = continuation.yield(item) { break }
                    }
                    continuation.finish()
                }
                defer { feeder.cancel() }
                try await withGracefulShutdownHandler {
                    try await writer.write(ByteBuffer(string: ": connected\n\n"))
                    for await item in relay {
                        try await writer.write(ByteBuffer(string: Self.frame(item)))
                    }
                } onGracefulShutdown: {
                    continuation.finish()
                }
                try await writer.finish(nil)
            })
    }

    static let lastEventID = HTTPField.Name("Last-Event-ID")!

    /// One SSE frame.
    static func frame(_ item: SessionEventStreamItem) -> String {
        switch item {
        case .event(let record):
            let data = (try? WireJSON.encodeString(record)) ?? "{}"
            return "id: \(record.seq)\nevent: \(record.kind)\ndata: \(data)\n\n"
        case .truncated(let requestedAfter, let firstAvailable):
            return
                "event: stream_truncated\ndata: {\"requested_after\":\(requestedAfter),\"first_available\":\(firstAvailable)}\n\n"
        }
    }
}
