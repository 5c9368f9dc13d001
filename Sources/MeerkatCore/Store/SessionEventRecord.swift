public import Foundation

/// One entry of a session's durable event log: an agent or runtime event with its per-session sequence number.
///
/// `seq` starts at 1 and increases by one per logged event of the session, across process restarts (the log, not
/// the in-process event bus, assigns it), so a client that saw `seq` N can resume from N without loss.
public struct SessionEventRecord: Sendable, Hashable, Codable {
    public var session: SessionID
    public var seq: UInt64
    /// `agent` (an ``AgentEvent`` payload) or `runtime` (a runtime observability event).
    public var kind: String
    public var timestamp: Date
    /// The event as JSON (the agent event payload, or the runtime event envelope).
    public var event: JSONValue

    private enum CodingKeys: String, CodingKey { case session = "session_id", seq, kind, timestamp, event }

    public init(session: SessionID, seq: UInt64, kind: String, timestamp: Date, event: JSONValue) {
        self.session = session
        self.seq = seq
        self.kind = kind
        self.timestamp = timestamp
        self.event = event
    }
}
