/// The fields of a task to create; the store assigns the id and timestamps.
public struct TaskDraft: Sendable, Hashable {
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
