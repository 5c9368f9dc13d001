public import MeerkatService

/// The methods of one protocol served over newline-delimited JSON-RPC (the Meerkat RPC surface or MCP).
public protocol RPCMethodHandler: Sendable {
    /// Answers one request (or notification, whose answer is dropped). `initialize` must mark the connection
    /// initialized when the protocol requires authentication.
    func handle(method: String, params: JSONValue?, connection: RPCConnection) async throws(RPCError) -> JSONValue
    /// True when `method` may run before `initialize` succeeded on a connection that must authenticate.
    func isAllowedBeforeInitialize(_ method: String) -> Bool
    /// Called once when a connection closed (after pending client requests failed).
    func connectionClosed(_ connection: RPCConnection) async
}
