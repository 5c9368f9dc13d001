public import MeerkatCore

/// `write_file {path, content}`: creates or overwrites a file, creating missing parent directories.
public struct WriteFileTool: Tool {
    private let root: ProjectRoot

    /// A writer confined to `root`.
    public init(root: ProjectRoot) {
        self.root = root
    }

    public var definition: ToolDefinition {
        ToolDefinition(
            name: BuiltinToolName.writeFile.rawValue,
            description: """
                Create or overwrite a file in the project with the given content. Missing parent directories \
                are created. Prefer edit_file or apply_patch for changes to existing files.
                """,
            inputSchema: ToolSchema.object(
                [
                    "path": ToolSchema.string("File path, relative to the project root (or absolute inside it)."),
                    "content": ToolSchema.string("The complete new content of the file."),
                ], required: ["path", "content"]))
    }

    public func call(_ arguments: JSONValue, context: ToolCallContext) async throws -> ToolOutput {
        let args = try ToolArguments(arguments, schema: definition.inputSchema)
        let requested = try args.requiredString("path")
        let content = try args.requiredString("content")
        let path = try root.resolve(requested)
        let display = root.displayPath(path)
        let existed = FileAccess.info(path) != nil
        try FileAccess.write(Array(content.utf8), to: path, display: display)
        return .text("\(existed ? "Overwrote" : "Created") '\(display)' (\(content.utf8.count) bytes).")
    }
}
