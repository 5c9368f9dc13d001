import Foundation

/// A change in the router: server lifecycle, the offered tool set, a name clash. `notice` is the text to show
/// the user (or the model, as a system notice), nil for purely mechanical events.
public enum MCPRouterEvent: Sendable, Hashable {
    /// A connection attempt started.
    case connecting(server: String, attempt: Int)
    /// The server is connected and listed these tools.
    case ready(server: String, tools: [String])
    /// A connection attempt failed; `retryIn` nil means the router gave up.
    case connectFailed(server: String, message: String, retryIn: Duration?)
    /// A ready server went away; `retryIn` nil means the router gave up.
    case disconnected(server: String, message: String, retryIn: Duration?)
    /// A tool name is exposed by several servers and is withheld from all of them.
    case conflict(tool: String, servers: [String])
    /// The set of offered tool names changed (the new set, in offer order).
    case toolsChanged(tools: [String])

    /// Human-readable text for the event, or nil.
    public var notice: String? {
        switch self {
        case .connecting(let server, let attempt):
            attempt == 1
                ? "MCP server '\(server)' is connecting; its tools will be available once it is ready"
                : "MCP server '\(server)' is reconnecting (attempt \(attempt))"
        case .ready(let server, let tools):
            "MCP server '\(server)' is ready with \(tools.count) tool\(tools.count == 1 ? "" : "s")"
                + (tools.isEmpty ? "" : ": \(tools.joined(separator: ", "))")
        case .connectFailed(let server, let message, let retryIn):
            "MCP server '\(server)' failed to connect: \(message); " + Self.retryText(retryIn)
        case .disconnected(let server, let message, let retryIn):
            "MCP server '\(server)' disconnected: \(message); its tools are unavailable; " + Self.retryText(retryIn)
        case .conflict(let tool, let servers):
            "MCP tool '\(tool)' is exposed by servers \(servers.map { "'\($0)'" }.joined(separator: " and ")); "
                + "it is withheld from all of them"
        case .toolsChanged:
            nil
        }
    }

    private static func retryText(_ retryIn: Duration?) -> String {
        guard let retryIn else { return "giving up" }
        return "retrying in \(retryIn.secondsText) s"
    }
}
