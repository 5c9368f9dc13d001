public import MeerkatCore

/// A configured server as `skat mcp list` / `get` show it: the entry as written (variables unexpanded), the file
/// it comes from, and whether a project entry of the same name hides it.
public struct MCPConfigEntry: Sendable, Hashable {
    /// The entry as written in the file.
    public var server: MCPServerConfig
    /// The file it lives in.
    public var scope: MCPConfigScope
    /// The path of that file.
    public var file: String
    /// True for a user entry hidden by a project entry of the same name.
    public var shadowed: Bool

    /// Creates a listing entry.
    public init(server: MCPServerConfig, scope: MCPConfigScope, file: String, shadowed: Bool = false) {
        self.server = server
        self.scope = scope
        self.file = file
        self.shadowed = shadowed
    }

    /// The entry's JSON with `scope`, `file` and `shadowed` added (for `--json`).
    public var json: JSONValue {
        var object = server.json.objectValue ?? [:]
        object["scope"] = .string(scope.rawValue)
        object["file"] = .string(file)
        object["transport"] = .string(server.transport.kind)
        object["shadowed"] = .bool(shadowed)
        return .object(object)
    }

    /// `name  stdio  command…  (project)` plus ` [shadowed]` when hidden.
    public var summary: String {
        "\(server.summary)  (\(scope.rawValue))" + (shadowed ? " [shadowed by project]" : "")
    }
}
