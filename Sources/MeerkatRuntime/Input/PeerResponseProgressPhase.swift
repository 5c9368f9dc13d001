/// Phase reported by a peer's progress update for a request (RUNTIME.md §2.2).
public enum PeerResponseProgressPhase: String, Sendable, Hashable, Codable, CaseIterable {
    /// The peer accepted the request.
    case accepted
    /// Work is under way.
    case inProgress = "in_progress"
    /// A partial result is available.
    case partialResult = "partial_result"
}
