/// A problem with MCP server configuration, naming the file, server and field concerned.
public enum MCPConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file is not valid TOML (or cannot be read).
    case unreadable(file: String, message: String)
    /// An entry is malformed: a missing, unknown or mistyped field.
    case invalidEntry(file: String, server: String?, message: String)
    /// A `${VAR}` names a variable the environment does not have.
    case unknownVariable(server: String, field: String, variable: String)
    /// A `${` without its closing brace, or an empty `${}`.
    case malformedVariable(server: String, field: String, text: String)
    /// Two entries of one file share a name, or `add` found the name taken.
    case duplicateName(file: String, server: String)
    /// `remove` or `get` found no server of that name.
    case serverNotFound(name: String, scope: MCPConfigScope?)
    /// The file could not be written.
    case writeFailed(file: String, message: String)

    /// The message to show the user.
    public var description: String {
        switch self {
        case .unreadable(let file, let message):
            "cannot read MCP config \(file): \(message)"
        case .invalidEntry(let file, let server, let message):
            "invalid MCP server entry\(server.map { " '\($0)'" } ?? "") in \(file): \(message)"
        case .unknownVariable(let server, let field, let variable):
            "MCP server '\(server)': field '\(field)' uses ${\(variable)}, which is not set in the environment"
        case .malformedVariable(let server, let field, let text):
            "MCP server '\(server)': field '\(field)' has a malformed variable reference in '\(text)'"
        case .duplicateName(let file, let server):
            "MCP server '\(server)' is defined more than once in \(file)"
        case .serverNotFound(let name, let scope):
            "no MCP server named '\(name)'\(scope.map { " in the \($0.rawValue) config" } ?? "")"
        case .writeFailed(let file, let message):
            "cannot write MCP config \(file): \(message)"
        }
    }
}
