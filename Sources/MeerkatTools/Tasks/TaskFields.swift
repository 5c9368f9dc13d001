import MeerkatCore

/// Schema fragments and JSON rendering shared by the `task_*` tools.
enum TaskFields {
    static let subject = ToolSchema.string("Short title of the task.")
    static let description = ToolSchema.string("Details: what done looks like, notes.")
    static let status = ToolSchema.string(
        "Task status.", oneOf: TaskStatus.allCases.map(\.rawValue))
    static let priority = ToolSchema.string(
        "Task priority.", oneOf: TaskPriority.allCases.map(\.rawValue))
    static let labels = ToolSchema.stringArray("Free-form labels, e.g. [\"bug\", \"docs\"].")
    static let id = ToolSchema.string("The task id returned by task_create or task_list.")

    /// A task as the model sees it.
    static func render(_ task: TaskItem) throws -> JSONValue {
        try WireJSON.toJSONValue(task)
    }

    /// A non-empty subject.
    static func validSubject(_ subject: String) throws(ToolError) -> String {
        guard !subject.trimmingSpaces.isEmpty else { throw .invalidArguments("'subject' must not be empty") }
        return subject
    }
}
