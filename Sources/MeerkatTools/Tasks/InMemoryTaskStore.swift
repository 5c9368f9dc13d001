public import Foundation
public import MeerkatCore

/// Task boards held in memory; lost when the process ends.
public actor InMemoryTaskStore: TaskStore {
    private var boards: [SessionID: TaskBoard] = [:]
    private let now: @Sendable () -> Date

    /// An empty store stamping tasks with `now`.
    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// Every task of the session, in creation order.
    public func tasks(in session: SessionID) -> [TaskItem] {
        boards[session]?.tasks ?? []
    }

    /// The task with `id`, or nil.
    public func task(_ id: String, in session: SessionID) -> TaskItem? {
        boards[session]?.tasks.first { $0.id == id }
    }

    /// Stores a new task and returns it.
    public func create(_ draft: TaskDraft, in session: SessionID) -> TaskItem {
        boards[session, default: TaskBoard()].create(draft, now: now())
    }

    /// Applies `changes` to the task with `id`.
    public func update(_ id: String, with changes: TaskChanges, in session: SessionID) -> TaskItem? {
        boards[session]?.update(id, with: changes, now: now())
    }
}
