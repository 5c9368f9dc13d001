public import MeerkatCore

/// What a session event subscription delivers: logged events in sequence order, preceded by a truncation notice
/// when the requested resume point is older than what the log keeps.
public enum SessionEventStreamItem: Sendable, Hashable {
    case event(SessionEventRecord)
    /// Events after `requestedAfter` up to `firstAvailable - 1` were pruned from the log and cannot be replayed.
    case truncated(requestedAfter: UInt64, firstAvailable: UInt64)
}
