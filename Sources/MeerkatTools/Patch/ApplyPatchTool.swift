public import MeerkatCore

/// `apply_patch {patch}`: applies a multi-file patch in the `*** Begin Patch` format inside the project root.
///
/// The whole patch is parsed and every hunk is matched against the current file contents before anything is
/// written; a malformed patch or a hunk that does not match changes nothing and the error names the patch line.
public struct ApplyPatchTool: Tool {
    private let root: ProjectRoot

    /// A patcher confined to `root`.
    public init(root: ProjectRoot) {
        self.root = root
    }

    public var definition: ToolDefinition {
        ToolDefinition(
            name: BuiltinToolName.applyPatch.rawValue,
            description: """
                Apply a patch that adds, updates, moves or deletes files. Format:
                *** Begin Patch
                *** Add File: path/new.txt
                +line of the new file
                *** Update File: path/old.txt
                *** Move to: path/renamed.txt   (optional)
                @@ optional line to anchor the hunk (e.g. a function signature)
                 context line (leading space)
                -removed line
                +added line
                *** Delete File: path/gone.txt
                *** End Patch
                Include about 3 lines of context around each change. Nothing is written unless the whole patch \
                applies.
                """,
            inputSchema: ToolSchema.object(
                ["patch": ToolSchema.string("The full patch text, from '*** Begin Patch' to '*** End Patch'.")],
                required: ["patch"]))
    }

    public func call(_ arguments: JSONValue, context: ToolCallContext) async throws -> ToolOutput {
        let args = try ToolArguments(arguments, schema: definition.inputSchema)
        let text = try args.requiredString("patch")
        let document: PatchDocument
        do {
            document = try PatchDocument.parse(text)
        } catch {
            throw ToolError.invalidArguments(error.description)
        }
        let plan = try PatchPlan.make(document, root: root)
        try plan.commit(root: root)
        return .text("Applied patch:\n" + plan.summary.joined(separator: "\n"))
    }
}
