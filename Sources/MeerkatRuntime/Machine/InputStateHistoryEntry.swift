public import Foundation

/// One phase change in an input's shell history (RUNTIME.md §5.4).
public struct InputStateHistoryEntry: Sendable, Hashable, Codable {
    /// When it happened.
    public var timestamp: Date
    /// The phase left.
    public var from: InputLifecycleState
    /// The phase entered.
    public var to: InputLifecycleState
    /// Why (e.g. the machine transition: `QueueAccepted`, `RollbackStaged`); omitted when nil.
    public var reason: String?

    public init(timestamp: Date, from: InputLifecycleState, to: InputLifecycleState, reason: String? = nil) {
        self.timestamp = timestamp
        self.from = from
        self.to = to
        self.reason = reason
    }
}
