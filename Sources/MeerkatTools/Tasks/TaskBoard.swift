import Foundation

/// A session's tasks and the counter for the next id: the value both stores keep per session.
struct TaskBoard: Sendable, Hashable, Codable {
    var nextID: Int = 1
    var tasks: [TaskItem] = []

    private enum CodingKeys: String, CodingKey {
        case nextID = "next_id"
        case tasks
    }

    /// `date` cut to whole seconds: such dates survive the JSON round trip exactly (millisecond timestamps do
    /// not always, because of binary floating point), so a stored task reads back equal to the one returned.
    static func timestamp(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    /// Adds a task built from `draft`.
    mutating func create(_ draft: TaskDraft, now: Date) -> TaskItem {
        let now = Self.timestamp(now)
        let task = TaskItem(
            id: String(nextID), subject: draft.subject, description: draft.description, status: draft.status,
            priority: draft.priority, labels: draft.labels, createdAt: now, updatedAt: now)
        nextID += 1
        tasks.append(task)
        return task
    }

    /// Applies `changes` to the task with `id`.
    mutating func update(_ id: String, with changes: TaskChanges, now: Date) -> TaskItem? {
        guard let index = tasks.firstIndex(where: { $0.id == id }) else { return nil }
        tasks[index] = changes.applied(to: tasks[index], at: Self.timestamp(now))
        return tasks[index]
    }
}
