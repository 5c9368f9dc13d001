import Foundation
public import MeerkatCore
import MeerkatRuntime

/// The durable event log of live sessions: every agent and runtime event is appended by a per-session pump that
/// starts when the session goes live, so surfaces (SSE, RPC subscriptions) read one ordered, resumable stream.
extension SessionService {
    /// Subscribes to a session's logged events: after `after` (replay from the durable log, then live), or live
    /// only when `after` is nil. Makes the session live so that its events are logged.
    public func eventStream(session id: SessionID, after: UInt64?) async throws(ServiceError)
        -> AsyncStream<SessionEventStreamItem>
    {
        _ = try await live(id)
        // Events of an unwatched session wait for the end of their run: written first, they are in the replay.
        await pumps[id]?.drained()
        do {
            let stream = try await eventLog.subscribe(session: id, after: after)
            // One published while subscribing may still wait; from now on the pump writes at once.
            pumps[id]?.flush()
            return stream
        } catch {
            throw .store(error.description)
        }
    }

    /// The newest logged sequence number of a session (0 before any event).
    public func lastLoggedEventSeq(_ id: SessionID) async throws(ServiceError) -> UInt64 {
        guard try await sessionExists(id) else { throw .sessionNotFound(id.description) }
        await pumps[id]?.drained()
        do {
            return try await eventLog.lastSeq(session: id)
        } catch {
            throw .store(error.description)
        }
    }

    /// Starts logging a session's agent and runtime events (replacing an earlier pump of the same session).
    func startEventPump(_ id: SessionID, agent: Agent, runtime: SessionRuntime?) -> SessionEventPump {
        SessionEventPump(
            session: id, agentEvents: agent.events, runtimeEvents: runtime?.events, log: eventLog, stats: stats,
            logger: logger)
    }
}
