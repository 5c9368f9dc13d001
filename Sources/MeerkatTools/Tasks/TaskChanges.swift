public import Foundation

/// A partial update of a task: nil fields stay as they are.
public struct TaskChanges: Sendable, Hashable {
    /// New value, or nil to keep: short title.
    public var subject: String?
    /// New value, or nil to keep: details of the task.
    public var description: String?
    /// New value, or nil to keep: where the task stands.
    public var status: TaskStatus?
    /// New value, or nil to keep: how urgent the task is.
    public var priority: TaskPriority?
    /// New value, or nil to keep: free-form labels.
    public var labels: [String]?

    /// Changes to the given fields only.
    public init(
        subject: String? = nil, description: String? = nil, status: TaskStatus? = nil, priority: TaskPriority? = nil,
        labels: [String]? = nil
    ) {
        self.subject = subject
        self.description = description
        self.status = status
        self.priority = priority
        self.labels = labels
    }

    /// True when no field changes.
    public var isEmpty: Bool {
        subject == nil && description == nil && status == nil && priority == nil && labels == nil
    }

    /// `task` with these changes applied and `updatedAt` set to `now`.
    public func applied(to task: TaskItem, at now: Date) -> TaskItem {
        var updated = task
        if let subject { updated.subject = subject }
        if let description { updated.description = description }
        if let status { updated.status = status }
        if let priority { updated.priority = priority }
        if let labels { updated.labels = labels }
        updated.updatedAt = now
        return updated
    }
}
