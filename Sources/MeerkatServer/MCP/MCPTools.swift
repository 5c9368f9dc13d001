import Foundation
import MeerkatService

/// One MCP tool: its listing and how it maps onto the JSON-RPC methods.
struct MCPTool: Sendable {
    let name: String
    let description: String
    let inputSchema: JSONValue
    let run: @Sendable (RPCParams, RPCServer, RPCConnection) async throws(RPCError) -> JSONValue

    var listing: JSONValue {
        ["name": .string(name), "description": .string(description), "inputSchema": inputSchema]
    }
}

/// The tools of `skat mcp-server`.
enum MCPTools {
    static let sessionID: JSONValue = [
        "type": "string", "description": "A session id, a unique prefix of one, or 'last'.",
    ]

    static func schema(_ properties: [String: JSONValue], required: [String]) -> JSONValue {
        [
            "type": "object", "properties": .object(properties), "required": .array(required.map(JSONValue.string)),
            "additionalProperties": false,
        ]
    }

    /// Forwards to an RPC method with the arguments as params.
    static func forward(_ method: String)
        -> @Sendable (RPCParams, RPCServer, RPCConnection) async throws(RPCError)
        -> JSONValue
    {
        { arguments, rpc, connection throws(RPCError) in
            try await rpc.handle(method: method, params: .object(arguments.values), connection: connection)
        }
    }

    /// A finished turn reduced to what a calling model needs, with the full completion alongside.
    static func turnSummary(_ answer: JSONValue, sessionID: JSONValue?) -> JSONValue {
        let completion = answer["completion"] ?? .null
        var out: [String: JSONValue] = [
            "session_id": sessionID ?? answer["session_id"] ?? .null, "input_id": answer["input_id"] ?? .null,
            "completion_type": completion["completion_type"] ?? .null,
            "deduplicated": answer["deduplicated"] ?? false,
        ]
        if let text = completion["result"]?["text"] { out["text"] = text }
        if let error = completion["error"] { out["error"] = error }
        if answer["completion"] == nil { out["outcome"] = answer["outcome"] ?? .null }
        return .object(out)
    }

    static let all: [MCPTool] = [
        MCPTool(
            name: "meerkat_run",
            description: "Start a new Meerkat session with a prompt and wait for the answer.",
            inputSchema: schema(
                [
                    "prompt": ["type": "string", "description": "What to ask."],
                    "model": ["type": "string", "description": "Model name (default: the configured one)."],
                    "tools": ["type": "string", "description": "Tool preset: none, safe, standard, full."],
                    "system_prompt": ["type": "string"],
                ], required: ["prompt"]),
            run: { arguments, rpc, connection throws(RPCError) in
                try arguments.allowOnly(["prompt", "model", "tools", "system_prompt"])
                var intent: [String: JSONValue] = [:]
                if let model = try arguments.string("model") { intent["model"] = .string(model) }
                if let tools = try arguments.string("tools") { intent["tools"] = .string(tools) }
                var params: [String: JSONValue] = [
                    "prompt": .string(try arguments.requiredString("prompt")), "wait": true, "intent": .object(intent),
                ]
                if let system = try arguments.string("system_prompt") { params["system_prompt"] = .string(system) }
                let created = try await rpc.handle(
                    method: "session/create", params: .object(params), connection: connection)
                return turnSummary(created["input"] ?? .null, sessionID: created["session_id"])
            }),
        MCPTool(
            name: "meerkat_resume",
            description: "Send a prompt to an existing session and wait for the answer.",
            inputSchema: schema(
                [
                    "session_id": sessionID, "prompt": ["type": "string"],
                    "idempotency_key": ["type": "string", "description": "Retrying with the same key runs once."],
                ], required: ["session_id", "prompt"]),
            run: { arguments, rpc, connection throws(RPCError) in
                let answer = try await rpc.handle(
                    method: "turn/start", params: .object(arguments.values), connection: connection)
                return turnSummary(answer, sessionID: nil)
            }),
        MCPTool(
            name: "meerkat_sessions", description: "List sessions, newest first.",
            inputSchema: schema(
                [
                    "limit": ["type": "integer", "minimum": 1, "maximum": 1000],
                    "offset": ["type": "integer", "minimum": 0], "include_archived": ["type": "boolean"],
                ], required: []),
            run: forward("session/list")),
        MCPTool(
            name: "meerkat_read", description: "A session's summary: title, model, message count, tokens, labels.",
            inputSchema: schema(["session_id": sessionID], required: ["session_id"]), run: forward("session/read")),
        MCPTool(
            name: "meerkat_history", description: "A page of a session's transcript, oldest first.",
            inputSchema: schema(
                [
                    "session_id": sessionID, "offset": ["type": "integer", "minimum": 0],
                    "limit": ["type": "integer", "minimum": 1, "maximum": 1000],
                ], required: ["session_id"]),
            run: forward("session/history")),
        MCPTool(
            name: "meerkat_interrupt", description: "Cancel the run in progress of a session (a no-op when idle).",
            inputSchema: schema(["session_id": sessionID], required: ["session_id"]),
            run: forward("runtime/interrupt")),
        MCPTool(
            name: "meerkat_input_status", description: "The stored state of one input of a session.",
            inputSchema: schema(
                ["session_id": sessionID, "input_id": ["type": "string"]], required: ["session_id", "input_id"]),
            run: forward("input/status")),
    ]
}
