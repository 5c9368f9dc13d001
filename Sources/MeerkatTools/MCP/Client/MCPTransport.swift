import MeerkatCore

/// What a transport hands to its connection.
enum MCPTransportEvent: Sendable {
    /// One JSON-RPC message (or batch) from the server.
    case message(JSONValue)
    /// The transport is gone for good (delivered once, last).
    case closed(String)
}

/// Moves JSON-RPC messages between the client and one server.
protocol MCPTransport: Sendable {
    /// True when `send` returns only after every reply to the sent message was delivered (HTTP): a request
    /// still unanswered then will never be answered.
    var repliesInline: Bool { get }
    /// Starts the transport; inbound messages and the final close go to `deliver`, in order.
    func start(deliver: @escaping @Sendable (MCPTransportEvent) async -> Void) async throws(MCPClientError)
    /// Sends one message.
    func send(_ message: JSONValue) async throws(MCPClientError)
    /// Records the protocol version agreed in `initialize` (HTTP sends it as a header).
    func negotiated(protocolVersion: String) async
    /// Ends the transport and releases its resources (terminates a server process).
    func close() async
}
