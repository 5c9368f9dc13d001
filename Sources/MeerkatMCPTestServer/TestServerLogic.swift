import Foundation
import MeerkatCore

/// The MCP behaviour shared by the stdio and HTTP modes: `initialize`, `ping`, paginated `tools/list` and
/// `tools/call` for `echo`, `fail` (an `isError` result), `image` (a PNG as base64), `crash` (the process
/// exits mid-call) and `hang` (never answers).
struct TestServerLogic: Sendable {
    /// What to do with one inbound message.
    enum Reply: Sendable {
        /// Nothing to send (a notification or a response).
        case none
        /// Send this response.
        case response(JSONValue)
        /// Never answer (`--hang-initialize`).
        case hang
        /// Exit the process without answering (`crash`).
        case crash
    }

    /// A 1×1 transparent PNG.
    static let pixelPNG =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="

    let options: TestServerOptions

    func handle(_ message: JSONValue) -> Reply {
        guard let method = message["method"]?.stringValue, let id = message["id"], id != .null else { return .none }
        switch method {
        case "initialize":
            if options.hangInitialize { return .hang }
            if let gate = options.gate { Self.drain(fifo: gate) }
            let version = message["params"]?["protocolVersion"]?.stringValue ?? "2025-06-18"
            return result(
                id,
                [
                    "protocolVersion": .string(version), "capabilities": ["tools": ["listChanged": false]],
                    "serverInfo": ["name": .string(options.name), "version": "1.0.0"],
                ])
        case "ping":
            return result(id, [:])
        case "tools/list":
            let start = Int(message["params"]?["cursor"]?.stringValue ?? "0") ?? 0
            let all = options.tools.compactMap(Self.definition)
            let page = Array(all.dropFirst(start).prefix(options.pageSize))
            var body: [String: JSONValue] = ["tools": .array(page)]
            if start + page.count < all.count { body["nextCursor"] = .string(String(start + page.count)) }
            return result(id, .object(body))
        case "tools/call":
            let name = message["params"]?["name"]?.stringValue ?? ""
            let arguments = message["params"]?["arguments"] ?? [:]
            guard options.tools.contains(name) else {
                return error(id, code: -32602, "unknown tool '\(name)'")
            }
            switch name {
            case "echo":
                return result(id, ["content": [["type": "text", "text": arguments["text"] ?? ""]]])
            case "fail":
                return result(
                    id, ["content": [["type": "text", "text": "failure requested"]], "isError": true])
            case "image":
                return result(
                    id,
                    [
                        "content": [
                            ["type": "text", "text": "a 1x1 PNG"],
                            ["type": "image", "data": .string(Self.pixelPNG), "mimeType": "image/png"],
                        ]
                    ])
            case "hang":
                return .hang
            default:
                return .crash
            }
        default:
            return error(id, code: -32601, "method '\(method)' not found")
        }
    }

    private func result(_ id: JSONValue, _ body: JSONValue) -> Reply {
        .response(["jsonrpc": "2.0", "id": id, "result": body])
    }

    private func error(_ id: JSONValue, code: Int, _ message: String) -> Reply {
        .response(["jsonrpc": "2.0", "id": id, "error": ["code": .number(Double(code)), "message": .string(message)]])
    }

    private static func definition(_ name: String) -> JSONValue? {
        switch name {
        case "echo":
            [
                "name": "echo", "description": "Returns the text it is given.",
                "inputSchema": [
                    "type": "object", "properties": ["text": ["type": "string"]], "required": ["text"],
                ],
            ]
        case "fail":
            [
                "name": "fail", "description": "Always fails (isError).",
                "inputSchema": ["type": "object", "properties": [:]],
            ]
        case "image":
            [
                "name": "image", "description": "Returns a 1x1 PNG.",
                "inputSchema": ["type": "object", "properties": [:]],
            ]
        case "hang":
            [
                "name": "hang", "description": "Never answers (only offered when listed in --tools).",
                "inputSchema": ["type": "object", "properties": [:]],
            ]
        case "crash":
            [
                "name": "crash", "description": "Exits the server process mid-call.",
                "inputSchema": ["type": "object", "properties": [:]],
            ]
        default:
            nil
        }
    }

    /// Reads a FIFO to its end (opening blocks until a writer appears).
    private static func drain(fifo path: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        _ = handle.readDataToEndOfFile()
        try? handle.close()
    }
}
