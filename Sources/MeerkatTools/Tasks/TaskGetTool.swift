public import MeerkatCore

/// `task_get {id}`: one task of the session's board.
public struct TaskGetTool: Tool {
    private let store: any TaskStore

    /// A tool reading `store`.
    public init(store: any TaskStore) {
        self.store = store
    }

    public var definition: ToolDefinition {
        ToolDefinition(
            name: BuiltinToolName.taskGet.rawValue,
            description: "Get one task from this session's task board by id.",
            inputSchema: ToolSchema.object(["id": TaskFields.id], required: ["id"]))
    }

    public func call(_ arguments: JSONValue, context: ToolCallContext) async throws -> ToolOutput {
        let args = try ToolArguments(arguments, schema: definition.inputSchema)
        let id = try args.requiredString("id")
        guard let task = try await store.task(id, in: context.sessionID) else {
            throw ToolError.executionFailed("no task with id '\(id)'")
        }
        return .json(try TaskFields.render(task))
    }
}
