/// How to reach one MCP server.
public enum MCPTransportConfig: Sendable, Hashable {
    /// A child process speaking newline-delimited JSON-RPC on its stdin and stdout.
    case stdio(command: String, args: [String], env: [String: String])
    /// A streamable HTTP endpoint (JSON-RPC POSTs answered with JSON or an event stream).
    case http(url: String, headers: [String: String])

    /// `stdio` or `http`, as `skat mcp list` shows it.
    public var kind: String {
        switch self {
        case .stdio: "stdio"
        case .http: "http"
        }
    }
}
