import Foundation
public import MeerkatCore

/// `list_dir {path?}`: the entries of one directory, directories marked with a trailing `/`.
public struct ListDirTool: Tool {
    /// Entries listed before the output is cut.
    public static let maxEntries = 1000

    private let root: ProjectRoot

    /// A lister confined to `root`.
    public init(root: ProjectRoot) {
        self.root = root
    }

    public var definition: ToolDefinition {
        ToolDefinition(
            name: BuiltinToolName.listDir.rawValue,
            description: """
                List the entries of a project directory (default: the project root). Directories end with "/", \
                symbolic links are shown as "name -> target", files with their size in bytes.
                """,
            inputSchema: ToolSchema.object(
                ["path": ToolSchema.string("Directory path, relative to the project root (default \".\").")]))
    }

    public func call(_ arguments: JSONValue, context: ToolCallContext) async throws -> ToolOutput {
        let args = try ToolArguments(arguments, schema: definition.inputSchema)
        let path = try root.resolve(try args.string("path") ?? ".")
        let display = root.displayPath(path)
        guard let info = FileAccess.info(path) else { throw ToolError.executionFailed("'\(display)' does not exist") }
        guard info.isDirectory else { throw ToolError.executionFailed("'\(display)' is not a directory") }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        } catch {
            throw ToolError.executionFailed("cannot list '\(display)': \(error.localizedDescription)")
        }
        if names.isEmpty { return .text("'\(display)' is empty.") }
        var lines: [String] = []
        for name in names.prefix(Self.maxEntries) {
            let entryPath = path + "/" + name
            let attributes = try? FileManager.default.attributesOfItem(atPath: entryPath)
            switch attributes?[.type] as? FileAttributeType {
            case .typeDirectory?:
                lines.append(name + "/")
            case .typeSymbolicLink?:
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: entryPath)) ?? "?"
                lines.append("\(name) -> \(target)")
            default:
                lines.append("\(name) (\((attributes?[.size] as? NSNumber)?.intValue ?? 0) bytes)")
            }
        }
        if names.count > Self.maxEntries {
            lines.append("[listing truncated: showing \(Self.maxEntries) of \(names.count) entries]")
        }
        return .text(lines.joined(separator: "\n"))
    }
}
