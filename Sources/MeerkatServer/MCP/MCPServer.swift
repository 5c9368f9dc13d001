import Foundation
public import MeerkatService

/// The MCP server (`skat mcp-server`): the Meerkat session service as MCP tools over stdio (docs/mcp-server.md).
/// Hand-written on the JSON-RPC line layer: `initialize` with protocol version negotiation,
/// `notifications/initialized`, `ping`, `tools/list` and `tools/call`. Each tool forwards to the matching
/// JSON-RPC method, so both surfaces share validation and error mapping.
public struct MCPServer: RPCMethodHandler {
    /// Protocol versions this server speaks, newest first.
    public static let supportedVersions = ["2025-06-18", "2025-03-26", "2024-11-05"]

    let rpc: RPCServer

    public init(service: SessionService) {
        self.rpc = RPCServer(service: service)
    }

    /// The line protocol for this server (stdio needs no token).
    public var lineProtocol: RPCLineProtocol { RPCLineProtocol(handler: self, requiresInitialize: false) }

    public func isAllowedBeforeInitialize(_ method: String) -> Bool { true }

    public func connectionClosed(_ connection: RPCConnection) async {}

    public func handle(method: String, params: JSONValue?, connection: RPCConnection) async throws(RPCError)
        -> JSONValue
    {
        switch method {
        case "initialize":
            let requested = params?["protocolVersion"]?.stringValue
            let version =
                requested.flatMap { Self.supportedVersions.contains($0) ? $0 : nil } ?? Self.supportedVersions[0]
            return [
                "protocolVersion": .string(version), "capabilities": ["tools": ["listChanged": false]],
                "serverInfo": ["name": "meerkat", "version": "0.1.0"],
                "instructions": "Run and inspect Meerkat agent sessions. Start with meerkat_run.",
            ]
        case "notifications/initialized", "notifications/cancelled": return .null
        case "ping": return [:]
        case "tools/list": return ["tools": .array(MCPTools.all.map(\.listing))]
        case "tools/call":
            let p = try RPCParams(params)
            let name = try p.requiredString("name")
            guard let tool = MCPTools.all.first(where: { $0.name == name }) else {
                throw .invalidParams("name", "unknown tool '\(name)' (tools/list names them)")
            }
            let arguments = try RPCParams(p.raw("arguments") ?? [:])
            do {
                let result = try await tool.run(arguments, rpc, connection)
                return Self.toolResult(result, isError: false)
            } catch {
                // A tool failure is a result the calling model reads, with the same code the RPC surface uses.
                return Self.toolResult(
                    ["error": ["code": .string(error.code.name), "message": .string(error.message)]], isError: true)
            }
        default:
            throw RPCError(.methodNotFound, "method '\(method)' not found")
        }
    }

    /// An MCP `CallToolResult` with the JSON as text and as structured content.
    static func toolResult(_ value: JSONValue, isError: Bool) -> JSONValue {
        [
            "content": [["type": "text", "text": .string(value.compactText())]], "structuredContent": value,
            "isError": .bool(isError),
        ]
    }
}
