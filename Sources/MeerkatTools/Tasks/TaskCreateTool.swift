public import MeerkatCore

/// `task_create {subject, description?, status?, priority?, labels?}`: adds a task to the session's board.
public struct TaskCreateTool: Tool {
    private let store: any TaskStore

    /// A tool writing to `store`.
    public init(store: any TaskStore) {
        self.store = store
    }

    public var definition: ToolDefinition {
        ToolDefinition(
            name: BuiltinToolName.taskCreate.rawValue,
            description: "Create a task on this session's task board to track multi-step work. Returns the task.",
            inputSchema: ToolSchema.object(
                [
                    "subject": TaskFields.subject, "description": TaskFields.description,
                    "status": TaskFields.status, "priority": TaskFields.priority, "labels": TaskFields.labels,
                ], required: ["subject"]))
    }

    public func call(_ arguments: JSONValue, context: ToolCallContext) async throws -> ToolOutput {
        let args = try ToolArguments(arguments, schema: definition.inputSchema)
        let draft = TaskDraft(
            subject: try TaskFields.validSubject(try args.requiredString("subject")),
            description: try args.string("description") ?? "",
            status: try args.enumeration("status", as: TaskStatus.self) ?? .pending,
            priority: try args.enumeration("priority", as: TaskPriority.self) ?? .medium,
            labels: try args.stringArray("labels") ?? [])
        let task = try await store.create(draft, in: context.sessionID)
        return .json(try TaskFields.render(task))
    }
}
