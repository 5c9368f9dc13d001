/// How urgent a task is.
public enum TaskPriority: String, Sendable, Hashable, Codable, CaseIterable {
    case low
    case medium
    case high
}
