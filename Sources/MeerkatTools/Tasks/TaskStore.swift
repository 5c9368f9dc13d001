public import MeerkatCore

/// Where the task boards live, one board per session.
///
/// Implementations: `InMemoryTaskStore` (ephemeral sessions, tests) and `JSONFileTaskStore` (one JSON file per
/// session under a directory). A SQLite store belongs in `MeerkatSQLite`.
public protocol TaskStore: Sendable {
    /// Every task of the session, in creation order.
    func tasks(in session: SessionID) async throws -> [TaskItem]
    /// The task with `id`, or nil.
    func task(_ id: String, in session: SessionID) async throws -> TaskItem?
    /// Stores a new task and returns it with its id and timestamps.
    func create(_ draft: TaskDraft, in session: SessionID) async throws -> TaskItem
    /// Applies `changes` to the task with `id`; returns the updated task, or nil when there is no such task.
    func update(_ id: String, with changes: TaskChanges, in session: SessionID) async throws -> TaskItem?
}
