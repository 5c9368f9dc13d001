public import MeerkatCore

/// `glob {pattern, path?}`: project paths matching a glob, relative to the project root.
///
/// The pattern is matched against each path relative to `path` (default the root): `*` stays within one
/// component, `**/` spans any number of components, `{a,b}` gives alternatives. `.git` is not searched and
/// symbolic links are listed but not followed.
public struct GlobTool: Tool {
    private let root: ProjectRoot
    private let maxResults: Int

    /// A glob confined to `root` returning at most `maxResults` paths.
    public init(root: ProjectRoot, maxResults: Int = 1000) {
        self.root = root
        self.maxResults = maxResults
    }

    public var definition: ToolDefinition {
        ToolDefinition(
            name: BuiltinToolName.glob.rawValue,
            description: """
                Find files and directories whose path matches a glob pattern, e.g. "**/*.swift" or \
                "Sources/*/{a,b}.md". "*" matches within one path component, "**/" any number of directories. \
                Paths are matched relative to path (default: project root) and returned relative to the root, \
                at most \(maxResults).
                """,
            inputSchema: ToolSchema.object(
                [
                    "pattern": ToolSchema.string("Glob pattern, relative to path."),
                    "path": ToolSchema.string(
                        "Directory to search from, relative to the project root (default \".\")."),
                ], required: ["pattern"]))
    }

    public func call(_ arguments: JSONValue, context: ToolCallContext) async throws -> ToolOutput {
        let args = try ToolArguments(arguments, schema: definition.inputSchema)
        let patternText = try args.requiredString("pattern")
        guard !patternText.isEmpty else { throw ToolError.invalidArguments("'pattern' must not be empty") }
        guard !patternText.hasPrefix("/"), !patternText.split(separator: "/").contains("..") else {
            throw ToolError.invalidArguments(
                "'pattern' must be relative and must not contain '..'; use 'path' to choose the directory")
        }
        let base = try root.resolve(try args.string("path") ?? ".")
        guard FileAccess.info(base)?.isDirectory == true else {
            throw ToolError.executionFailed("'\(root.displayPath(base))' is not a directory")
        }
        let pattern = GlobPattern(patternText, mode: .path)
        var matches: [String] = []
        var truncated = false
        let complete = DirectoryWalker().walk(base) { entry in
            guard pattern.matches(entry.relativePath) else { return true }
            if matches.count == maxResults {
                truncated = true
                return false
            }
            matches.append(root.displayPath(entry.path) + (entry.isDirectory ? "/" : ""))
            return !Task.isCancelled
        }
        try Task.checkCancellation()
        if matches.isEmpty { return .text("No paths match '\(patternText)'.") }
        var text = matches.joined(separator: "\n")
        if truncated { text += "\n[results truncated at \(maxResults) paths; narrow the pattern]" }
        if !complete { text += "\n[search stopped early: too many entries under '\(root.displayPath(base))']" }
        return .text(text)
    }
}
