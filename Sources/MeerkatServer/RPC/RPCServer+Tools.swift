import Foundation
import MeerkatService

extension RPCServer {
    /// `tools/register`: the connection's client provides tools to a session; the agent calls each one back with a
    /// `tool/execute` request on this connection. Registering again replaces this connection's tools for that
    /// session; they leave when the connection closes.
    func registerTools(_ p: RPCParams, connection: RPCConnection) async throws(RPCError) -> JSONValue {
        try p.allowOnly(["session_id", "tools"])
        let id = try await resolve(p)
        guard let list = p.raw("tools")?.arrayValue else { throw .invalidParams("tools", "must be an array of tools") }
        var tools: [ExternalTool] = []
        for (index, entry) in list.enumerated() {
            let field = "tools[\(index)]"
            guard let object = entry.objectValue else { throw .invalidParams(field, "must be an object") }
            let item = try RPCParams(.object(object))
            do {
                try item.allowOnly(["name", "description", "input_schema"])
            } catch {
                throw .invalidParams("\(field).\(error.field ?? "")", error.message)
            }
            guard let name = object["name"]?.stringValue else { throw .invalidParams("\(field).name", "is required") }
            let description = object["description"]?.stringValue ?? ""
            let schema = object["input_schema"] ?? ["type": "object"]
            let definition = ToolDefinition(name: name, description: description, inputSchema: schema)
            tools.append(
                ExternalTool(definition: definition) { arguments, context in
                    await Self.execute(name, arguments: arguments, context: context, connection: connection)
                })
        }
        try await call { () throws(ServiceError) in
            try await service.registerExternalTools(tools, session: id, provider: connection.toolProvider)
        }
        return ["session_id": .string(id.description), "tools": .array(tools.map { .string($0.definition.name) })]
    }

    /// Sends `tool/execute` to the client and turns its answer into a tool result. Every failure, including a
    /// client that disconnects mid-call, becomes a typed error result the model sees.
    static func execute(
        _ name: String, arguments: JSONValue, context: ToolCallContext, connection: RPCConnection
    ) async -> ToolOutput {
        let params: JSONValue = [
            "session_id": .string(context.sessionID.description), "tool_use_id": .string(context.toolUseID),
            "name": .string(name), "arguments": arguments,
        ]
        switch await connection.request("tool/execute", params) {
        case .failure(let error):
            return .error("callback tool '\(name)' failed: \(error.message) (\(error.code.name))")
        case .success(let result):
            return toolOutput(result, name: name)
        }
    }

    /// Reads a `tool/execute` result: `{content: "text" | [content blocks], is_error?: bool}`.
    static func toolOutput(_ result: JSONValue, name: String) -> ToolOutput {
        let isError = result["is_error"]?.boolValue ?? false
        switch result["content"] {
        case .string(let text)?: return ToolOutput(content: [.text(text)], isError: isError)
        case .array(let blocks)?:
            if let decoded = try? WireJSON.fromJSONValue(.array(blocks), as: [ContentBlock].self) {
                return ToolOutput(content: decoded, isError: isError)
            }
            return .error("callback tool '\(name)' answered content blocks that are not valid")
        default:
            return .error("callback tool '\(name)' answered without content (expected a string or content blocks)")
        }
    }
}
