import Foundation

/// One entry of a session's task board (`task_*` tools).
public struct TaskItem: Sendable, Hashable, Codable {
    /// Short id, unique within the session (`"1"`, `"2"`, …).
    public var id: String
    public var subject: String
    public var description: String
    public var status: TaskStatus
    public var priority: TaskPriority
    public var labels: [String]
    public var createdAt: Date
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
