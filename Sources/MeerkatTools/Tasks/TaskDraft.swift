/// The fields of a task to create; the store assigns the id and timestamps.
public struct TaskDraft: Sendable, Hashable {
    public var subject: String
    public var description: String
    public var status: TaskStatus
    public var priority: TaskPriority
    public var labels: [String]

    /// A draft with defaults for everything but the subject.
    public init(
        subject: String, description: String = "", status: TaskStatus = .pending, priority: TaskPriority = .medium,
        labels: [String] = []
    ) {
        self.subject = subject
        self.description = description
        self.status = status
        self.priority = priority
        self.labels = labels
    }
}
