/// A mechanical failure while waiting for a completion (RUNTIME.md §9); never a runtime result class.
public enum CompletionWaitError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The waiter's channel closed without a result.
    case channelClosed
    /// The executor attachment was replaced; the request must be retried (the old input is durably cancelled).
    case attachmentReplaced
    /// No authority could produce a result (e.g. recycle found the input no longer pending).
    case authorityUnavailable(String)

    public var description: String {
        switch self {
        case .channelClosed: "completion channel closed without an authorized result"
        case .attachmentReplaced: "executor attachment was replaced; retry the request"
        case .authorityUnavailable(let message): "completion authority unavailable: \(message)"
        }
    }
}
