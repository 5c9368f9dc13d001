public import Foundation

/// How much of each session's event log a realm keeps, and how far a subscriber may fall behind.
public struct SessionEventLogPolicy: Sendable, Hashable {
    /// Events kept per session (older ones are pruned). Default 10,000.
    public var maxEventsPerSession: Int
    /// Events older than this are pruned (the newest event of a session always stays). Default 7 days.
    public var maxAge: TimeInterval
    /// Live events buffered per subscriber beyond its replay. A subscriber that falls further behind is
    /// disconnected (its stream ends) instead of slowing the run; it resumes from the durable log. Default 1,024.
    public var subscriberBuffer: Int
    /// Appends per session between two prunes. Default 256.
    public var pruneInterval: Int
    /// How long a watched session's events gather before they are written, counted from the first one: everything
    /// published meanwhile goes into one write (one transaction on a SQLite realm instead of one per burst of events).
    /// Live subscribers see events this much later at most. Zero writes at once. Default 3 ms.
    public var appendDelay: Duration
    /// How long the events of a session nobody subscribes to may wait before they are written. They are normally
    /// written when the run that published them ends (one write per run) or when a reader subscribes; this bounds the
    /// wait of events that no run end follows, and what a crash can take from the log. Default 1 s.
    public var unobservedDelay: Duration

    public init(
        maxEventsPerSession: Int = 10_000, maxAge: TimeInterval = 7 * 24 * 3600, subscriberBuffer: Int = 1_024,
        pruneInterval: Int = 256, appendDelay: Duration = .milliseconds(3), unobservedDelay: Duration = .seconds(1)
    ) {
        self.maxEventsPerSession = max(1, maxEventsPerSession)
        self.maxAge = maxAge
        self.subscriberBuffer = max(1, subscriberBuffer)
        self.pruneInterval = max(1, pruneInterval)
        self.appendDelay = max(.zero, appendDelay)
        self.unobservedDelay = max(.zero, unobservedDelay)
    }
}
