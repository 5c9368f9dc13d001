public import MeerkatCore

/// One MCP tool offered to the model under its own name; calls go through the router to the server that owns
/// it (provenance: `serverName`).
public struct MCPTool: Tool {
    /// The server's name, description and input schema.
    public let definition: ToolDefinition
    /// The server that lists this tool.
    public let serverName: String
    private let router: MCPRouter

    init(descriptor: MCPToolDescriptor, serverName: String, router: MCPRouter) {
        // The core validator checks arguments before a call; a schema it cannot compile would make the tool
        // refuse every call, so such a tool gets a plain object schema and the server checks its own arguments.
        let schema =
            (try? JSONSchemaValidator(schema: descriptor.inputSchema)) == nil
            ? ["type": "object"] as JSONValue : descriptor.inputSchema
        self.definition = ToolDefinition(
            name: descriptor.name, description: descriptor.description, inputSchema: schema)
        self.serverName = serverName
        self.router = router
    }

    /// Calls the tool on its server through the router.
    public func call(_ arguments: JSONValue, context: ToolCallContext) async throws -> ToolOutput {
        try await router.call(server: serverName, tool: definition.name, arguments: arguments)
    }
}
