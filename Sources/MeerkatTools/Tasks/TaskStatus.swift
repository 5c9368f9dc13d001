/// Where a task stands.
public enum TaskStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case pending
    case inProgress = "in_progress"
    case completed
}
