import Foundation

/// Limits and logging policy of a `SessionService` that every surface (CLI, REST, RPC) shares.
public struct SessionServiceOptions: Sendable, Hashable {
    /// Inputs a session may hold that are not terminal yet (queued, staged, running); one more is refused with
    /// `ServiceError.queueFull` (REST 429 with `Retry-After`). Nil means no limit. Default 64.
    public var maxActiveInputsPerSession: Int?
    /// The `Retry-After` a refused input is told, in seconds. Default 1.
    public var queueFullRetryAfterSeconds: Int
    /// Retention of the per-session event log.
    public var eventLog: SessionEventLogPolicy

    public init(
        maxActiveInputsPerSession: Int? = 64, queueFullRetryAfterSeconds: Int = 1,
        eventLog: SessionEventLogPolicy = SessionEventLogPolicy()
    ) {
        self.maxActiveInputsPerSession = maxActiveInputsPerSession
        self.queueFullRetryAfterSeconds = queueFullRetryAfterSeconds
        self.eventLog = eventLog
    }
}
