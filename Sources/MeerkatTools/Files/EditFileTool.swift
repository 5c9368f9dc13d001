public import MeerkatCore

/// `edit_file {path, old_string, new_string, replace_all?}`: exact-string replacement in a text file.
///
/// Matching is byte-exact (no Unicode normalisation, no whitespace folding). Without `replace_all` the old
/// string must occur exactly once, so an ambiguous edit is refused instead of guessed.
public struct EditFileTool: Tool {
    /// Largest file this tool edits.
    public static let maxFileBytes = 10 * 1024 * 1024

    private let root: ProjectRoot

    /// An editor confined to `root`.
    public init(root: ProjectRoot) {
        self.root = root
    }

    public var definition: ToolDefinition {
        ToolDefinition(
            name: BuiltinToolName.editFile.rawValue,
            description: """
                Replace an exact string in a text file. old_string must match the file byte for byte (including \
                indentation) and must be unique unless replace_all is true; include surrounding lines to make it \
                unique.
                """,
            inputSchema: ToolSchema.object(
                [
                    "path": ToolSchema.string("File path, relative to the project root (or absolute inside it)."),
                    "old_string": ToolSchema.string("The exact text to replace."),
                    "new_string": ToolSchema.string("The replacement text."),
                    "replace_all": ToolSchema.boolean("Replace every occurrence instead of requiring exactly one."),
                ], required: ["path", "old_string", "new_string"]))
    }

    public func call(_ arguments: JSONValue, context: ToolCallContext) async throws -> ToolOutput {
        let args = try ToolArguments(arguments, schema: definition.inputSchema)
        let requested = try args.requiredString("path")
        let old = Array(try args.requiredString("old_string").utf8)
        let new = Array(try args.requiredString("new_string").utf8)
        let replaceAll = try args.bool("replace_all") ?? false
        guard !old.isEmpty else { throw ToolError.invalidArguments("'old_string' must not be empty") }
        guard old != new else { throw ToolError.invalidArguments("'old_string' and 'new_string' are identical") }
        let path = try root.resolve(requested)
        let display = root.displayPath(path)
        let content = try FileAccess.readText(path, display: display, maxBytes: Self.maxFileBytes)
        let matches = Self.occurrences(of: old, in: content)
        if matches.isEmpty {
            throw ToolError.executionFailed("old_string was not found in '\(display)'")
        }
        if matches.count > 1, !replaceAll {
            throw ToolError.executionFailed(
                "old_string occurs \(matches.count) times in '\(display)'; add surrounding context to make it unique"
                    + " or set replace_all to true")
        }
        var updated: [UInt8] = []
        updated.reserveCapacity(content.count + matches.count * (new.count - old.count))
        var cursor = 0
        for start in matches {
            updated.append(contentsOf: content[cursor..<start])
            updated.append(contentsOf: new)
            cursor = start + old.count
        }
        updated.append(contentsOf: content[cursor...])
        try FileAccess.write(updated, to: path, display: display)
        return .text("Replaced \(matches.count) occurrence\(matches.count == 1 ? "" : "s") in '\(display)'.")
    }

    /// Start offsets of the non-overlapping occurrences of `needle`, left to right.
    static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard !needle.isEmpty, needle.count <= haystack.count else { return [] }
        var found: [Int] = []
        var index = 0
        let first = needle[0]
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) {
                found.append(index)
                index += needle.count
            } else {
                index += 1
            }
        }
        return found
    }
}
