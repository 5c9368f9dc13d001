public import MeerkatCore

/// A connection to one MCP server: `initialize` + `notifications/initialized` + `tools/list` on connect, then
/// `tools/call`.
///
/// Created by `connect(_:)`, which enforces the server's connect timeout and never leaves a process behind on
/// failure. When the server goes away every call in flight fails with `MCPClientError.connectionClosed`;
/// `waitUntilClosed()` reports it.
public actor MCPClient {
    /// The protocol revision this client asks for.
    public static let protocolVersion = "2025-06-18"
    private static let clientInfo: JSONValue = ["name": "meerkat", "version": "0.1.0"]

    /// The (expanded) configuration this client connected with.
    public nonisolated let server: MCPServerConfig
    /// `serverInfo` from the `initialize` result.
    public private(set) var serverInfo: JSONValue = .null
    /// The protocol version the server agreed to.
    public private(set) var negotiatedVersion: String = ""
    /// The tools from the latest listing.
    public private(set) var tools: [MCPToolDescriptor] = []
    private let connection: MCPConnection
    private var onToolsChanged: (@Sendable () -> Void)?

    private init(server: MCPServerConfig, connection: MCPConnection) {
        self.server = server
        self.connection = connection
    }

    /// Starts the transport, performs the handshake and lists the tools, all within the server's connect timeout
    /// (or `timeout` when given). The config must already be expanded (`MCPServerConfig.expanded(with:)`).
    public static func connect(_ server: MCPServerConfig, timeout: Duration? = nil) async throws -> MCPClient {
        let transport: any MCPTransport =
            switch server.transport {
            case .stdio(let command, let args, let env):
                MCPStdioTransport(server: server.name, command: command, arguments: args, environment: env)
            case .http(let url, let headers):
                MCPHTTPTransport(server: server.name, url: url, headers: headers)
            }
        let client = MCPClient(server: server, connection: MCPConnection(transport: transport))
        let limit = timeout ?? server.connectTimeout
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await client.handshake() }
                group.addTask {
                    try await Task.sleep(for: limit)
                    throw MCPClientError.connectTimeout(server: server.name, seconds: limit.inSeconds)
                }
                defer { group.cancelAll() }
                _ = try await group.next()
            }
        } catch {
            await client.connection.close(reason: "connect failed: \(error)")
            throw error
        }
        return client
    }

    /// Calls a tool. A result with `isError` becomes an error `ToolOutput`; transport and protocol failures throw
    /// `MCPClientError` (a server that dies mid-call throws `connectionClosed`).
    public func callTool(_ name: String, arguments: JSONValue) async throws -> ToolOutput {
        let result = try await connection.request(
            "tools/call", params: ["name": .string(name), "arguments": arguments == .null ? [:] : arguments])
        return MCPContentMapper.output(from: result)
    }

    /// Lists the tools again (following pagination cursors) and stores them in `tools`.
    @discardableResult
    public func refreshTools() async throws -> [MCPToolDescriptor] {
        var listed: [MCPToolDescriptor] = []
        var cursor: String?
        var seenCursors: Set<String> = []
        repeat {
            let result = try await connection.request(
                "tools/list", params: cursor.map { ["cursor": .string($0)] } ?? [:])
            guard let page = result["tools"]?.arrayValue else {
                throw MCPClientError.protocolViolation("tools/list result has no 'tools' array")
            }
            for entry in page { listed.append(try MCPToolDescriptor(listing: entry)) }
            cursor = result["nextCursor"]?.stringValue
            if let next = cursor, !seenCursors.insert(next).inserted {
                throw MCPClientError.protocolViolation("tools/list repeated the cursor '\(next)'")
            }
        } while cursor != nil
        tools = listed
        return listed
    }

    /// Runs `handler` when the server says its tool list changed (`notifications/tools/list_changed`).
    public func setToolsChangedHandler(_ handler: @escaping @Sendable () -> Void) {
        onToolsChanged = handler
    }

    /// Closes the connection (a stdio server gets EOF, then SIGTERM/SIGKILL if it lingers).
    public func close() async {
        await connection.close()
    }

    /// Suspends until the connection is closed, for whatever reason, and returns the reason.
    public nonisolated func waitUntilClosed() async -> String {
        await connection.waitUntilClosed()
    }

    private func handshake() async throws {
        try await connection.start()
        await connection.setNotificationHandler { [weak self] method, _ in
            guard method == "notifications/tools/list_changed", let self else { return }
            Task { await self.toolsChanged() }
        }
        let result = try await connection.request(
            "initialize",
            params: [
                "protocolVersion": .string(Self.protocolVersion), "capabilities": [:], "clientInfo": Self.clientInfo,
            ])
        guard let version = result["protocolVersion"]?.stringValue else {
            throw MCPClientError.protocolViolation("initialize result has no protocolVersion")
        }
        negotiatedVersion = version
        serverInfo = result["serverInfo"] ?? .null
        await connection.negotiated(protocolVersion: version)
        try await connection.notify("notifications/initialized")
        try await refreshTools()
    }

    private func toolsChanged() {
        onToolsChanged?()
    }
}
