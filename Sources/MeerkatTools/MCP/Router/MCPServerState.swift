/// Where the router is with one server.
public enum MCPServerState: Sendable, Hashable {
    /// Connecting (attempt 1 is the first).
    case connecting(attempt: Int)
    /// Connected; its tools are offered (unless withheld for a name clash).
    case ready(tools: [String])
    /// The last attempt failed or the server died; the next attempt follows after `retryIn`.
    case retrying(message: String, retryIn: Duration)
    /// The router gave up on the server (too many consecutive failures).
    case failed(message: String)
    /// The router was shut down.
    case stopped

    /// True once the server is ready.
    public var isReady: Bool {
        if case .ready = self { return true }
        return false
    }
}
