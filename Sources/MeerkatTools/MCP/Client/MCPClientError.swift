/// Why talking to an MCP server failed.
public enum MCPClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The server process could not be started, or the URL is unusable.
    case launchFailed(server: String, message: String)
    /// Connect + handshake + first tool listing took longer than `connect_timeout_secs`.
    case connectTimeout(server: String, seconds: Double)
    /// The connection ended (process exit, HTTP connection failure, expired session, or a local close).
    case connectionClosed(String)
    /// The server answered with a JSON-RPC error.
    case server(code: Int, message: String)
    /// The HTTP endpoint answered with a non-success status.
    case http(status: Int, body: String)
    /// The server sent something the protocol does not allow.
    case protocolViolation(String)
    /// The request was abandoned because its task was cancelled.
    case cancelled

    /// The message to show the user.
    public var description: String {
        switch self {
        case .launchFailed(let server, let message): "cannot start MCP server '\(server)': \(message)"
        case .connectTimeout(let server, let seconds):
            "MCP server '\(server)' did not finish connecting within \(seconds.formatted()) s"
        case .connectionClosed(let reason): "connection to the MCP server closed: \(reason)"
        case .server(let code, let message): "MCP server error \(code): \(message)"
        case .http(let status, let body): "MCP server answered HTTP \(status)\(body.isEmpty ? "" : ": \(body)")"
        case .protocolViolation(let message): "MCP protocol violation: \(message)"
        case .cancelled: "the MCP request was cancelled"
        }
    }
}

extension Double {
    /// `10` for whole numbers, `0.5` otherwise.
    fileprivate func formatted() -> String {
        rounded() == self ? String(Int(self)) : String(self)
    }
}
