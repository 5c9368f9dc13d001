public import Foundation

/// One entry of a session's task board (`task_*` tools).
public struct TaskItem: Sendable, Hashable, Codable {
    /// Short id, unique within the session (`"1"`, `"2"`, …).
    public var id: String
    /// Short title.
    public var subject: String
    /// Details of the task.
    public var description: String
    /// Where the task stands.
    public var status: TaskStatus
    /// How urgent the task is.
    public var priority: TaskPriority
    /// Free-form labels.
    public var labels: [String]
    /// When the task was created (whole seconds).
    public var createdAt: Date
    /// When the task last changed (whole seconds).
    public var updatedAt: Date

    private enum CodingKeys: String, CodingKey {
        case id, subject, description, status, priority, labels
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// A task with every field given.
    public init(
        id: String, subject: String, description: String = "", status: TaskStatus = .pending,
        priority: TaskPriority = .medium, labels: [String] = [], createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.subject = subject
        self.description = description
        self.status = status
        self.priority = priority
        self.labels = labels
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
