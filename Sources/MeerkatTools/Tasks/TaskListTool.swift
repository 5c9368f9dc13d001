public import MeerkatCore

/// `task_list {status?, label?}`: the session's tasks, optionally filtered.
public struct TaskListTool: Tool {
    private let store: any TaskStore

    /// A tool reading `store`.
    public init(store: any TaskStore) {
        self.store = store
    }

    public var definition: ToolDefinition {
        ToolDefinition(
            name: BuiltinToolName.taskList.rawValue,
            description: "List the tasks on this session's task board, optionally only those with a status or label.",
            inputSchema: ToolSchema.object(
                ["status": TaskFields.status, "label": ToolSchema.string("Only tasks carrying this label.")]))
    }

    public func call(_ arguments: JSONValue, context: ToolCallContext) async throws -> ToolOutput {
        let args = try ToolArguments(arguments, schema: definition.inputSchema)
        let status = try args.enumeration("status", as: TaskStatus.self)
        let label = try args.string("label")
        let tasks = try await store.tasks(in: context.sessionID).filter { task in
            (status == nil || task.status == status) && (label.map { task.labels.contains($0) } ?? true)
        }
        return .json(["tasks": .array(try tasks.map(TaskFields.render)), "count": .number(Double(tasks.count))])
    }
}
