public import MeerkatCore

/// One tool as an MCP server lists it.
public struct MCPToolDescriptor: Sendable, Hashable {
    /// The tool's name (offered to the model unprefixed).
    public var name: String
    /// Its description (may be empty).
    public var description: String
    /// JSON Schema of its arguments.
    public var inputSchema: JSONValue

    /// Creates a descriptor.
    public init(name: String, description: String, inputSchema: JSONValue) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
    }

    /// Reads one entry of a `tools/list` result.
    init(listing: JSONValue) throws(MCPClientError) {
        guard let name = listing["name"]?.stringValue, !name.isEmpty else {
            throw .protocolViolation("tools/list entry without a name: \(listing.compactText())")
        }
        let schema = listing["inputSchema"] ?? ["type": "object"]
        guard schema.objectValue != nil else {
            throw .protocolViolation("tool '\(name)' has an inputSchema that is not an object")
        }
        self.init(name: name, description: listing["description"]?.stringValue ?? "", inputSchema: schema)
    }
}
