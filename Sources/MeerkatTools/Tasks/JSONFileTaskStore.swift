public import Foundation
public import MeerkatCore

/// Task boards stored as one JSON file per session (`<directory>/<session-id>.json`), e.g. under `.skat/tasks`.
///
/// Each change rewrites the session's file atomically (write to a temporary file, then rename), so a crash
/// leaves either the old or the new board. The actor serialises access from this process; several processes
/// writing the same directory are not coordinated.
public actor JSONFileTaskStore: TaskStore {
    /// The directory holding the files.
    public nonisolated let directory: URL
    private let now: @Sendable () -> Date

    /// A store under `directory` (created on first write).
    public init(directory: URL, now: @escaping @Sendable () -> Date = { Date() }) {
        self.directory = directory
        self.now = now
    }

    /// Every task of the session, in creation order.
    public func tasks(in session: SessionID) throws -> [TaskItem] {
        try load(session).tasks
    }

    /// The task with `id`, or nil.
    public func task(_ id: String, in session: SessionID) throws -> TaskItem? {
        try load(session).tasks.first { $0.id == id }
    }

    /// Stores a new task and returns it.
    public func create(_ draft: TaskDraft, in session: SessionID) throws -> TaskItem {
        var board = try load(session)
        let task = board.create(draft, now: now())
        try save(board, for: session)
        return task
    }

    /// Applies `changes` to the task with `id`.
    public func update(_ id: String, with changes: TaskChanges, in session: SessionID) throws -> TaskItem? {
        var board = try load(session)
        guard let task = board.update(id, with: changes, now: now()) else { return nil }
        try save(board, for: session)
        return task
    }

    private func file(for session: SessionID) -> URL {
        directory.appendingPathComponent("\(session).json")
    }

    private func load(_ session: SessionID) throws -> TaskBoard {
        let url = file(for: session)
        guard FileManager.default.fileExists(atPath: url.path) else { return TaskBoard() }
        do {
            return try WireJSON.decoder().decode(TaskBoard.self, from: Data(contentsOf: url))
        } catch {
            throw ToolError.executionFailed("task file '\(url.path)' is unreadable: \(error)")
        }
    }

    private func save(_ board: TaskBoard, for session: SessionID) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try WireJSON.encoder().encode(board).write(to: file(for: session), options: .atomic)
    }
}
