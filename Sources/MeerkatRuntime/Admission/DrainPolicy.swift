/// How the loop drains an admitted input (RUNTIME.md §4.1).
public enum DrainPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Handle at the next turn (the default).
    case queueNextTurn = "queue_next_turn"
    /// Batch with other steers at the next boundary.
    case steerBatch = "steer_batch"
    /// Vocabulary only; no policy row produces it.
    case immediate
    /// Never drained (operations).
    case ignore
}
