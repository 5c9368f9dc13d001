public import MeerkatCore

/// `task_update {id, subject?, description?, status?, priority?, labels?}`: changes the given fields of a task.
public struct TaskUpdateTool: Tool {
    private let store: any TaskStore

    /// A tool writing to `store`.
    public init(store: any TaskStore) {
        self.store = store
    }

    public var definition: ToolDefinition {
        ToolDefinition(
            name: BuiltinToolName.taskUpdate.rawValue,
            description: """
                Update a task on this session's task board: only the fields given change (labels are replaced \
                as a whole). Returns the updated task.
                """,
            inputSchema: ToolSchema.object(
                [
                    "id": TaskFields.id, "subject": TaskFields.subject, "description": TaskFields.description,
                    "status": TaskFields.status, "priority": TaskFields.priority, "labels": TaskFields.labels,
                ], required: ["id"]))
    }

    public func call(_ arguments: JSONValue, context: ToolCallContext) async throws -> ToolOutput {
        let args = try ToolArguments(arguments, schema: definition.inputSchema)
        let id = try args.requiredString("id")
        let changes = TaskChanges(
            subject: try args.string("subject").map { subject throws(ToolError) in
                try TaskFields.validSubject(subject)
            },
            description: try args.string("description"),
            status: try args.enumeration("status", as: TaskStatus.self),
            priority: try args.enumeration("priority", as: TaskPriority.self),
            labels: try args.stringArray("labels"))
        guard !changes.isEmpty else {
            throw ToolError.invalidArguments(
                "nothing to update: give at least one of subject, description,"
                    + " status, priority, labels")
        }
        guard let task = try await store.update(id, with: changes, in: context.sessionID) else {
            throw ToolError.executionFailed("no task with id '\(id)'")
        }
        return .json(try TaskFields.render(task))
    }
}
