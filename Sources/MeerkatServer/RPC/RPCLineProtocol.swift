import Foundation
import MeerkatService
import NIOCore

/// The JSON-RPC 2.0 framing shared by every transport: one JSON value per line, requests answered concurrently
/// (a request that waits, such as `turn/start`, never blocks the connection), batches, notifications, and
/// responses to the server's own requests routed back to their waiters.
public struct RPCLineProtocol: Sendable {
    public let handler: any RPCMethodHandler
    /// When true, every method but the handler's allowed ones is refused until `initialize` succeeded.
    public let requiresInitialize: Bool

    public init(handler: any RPCMethodHandler, requiresInitialize: Bool) {
        self.handler = handler
        self.requiresInitialize = requiresInitialize
    }

    /// Serves one connection until its input ends; then pending client requests fail, the handler is told, and
    /// requests still running finish (their answers are written while the output is open).
    public func serve(_ inbound: some AsyncSequence<RPCFrame, any Error>, connection: RPCConnection) async {
        await withDiscardingTaskGroup { group in
            do {
                for try await frame in inbound {
                    switch frame {
                    case .overlong(let bytes):
                        await connection.send(
                            Self.errorResponse(
                                id: .null,
                                RPCError(
                                    .lineTooLong, "request line of \(bytes) bytes exceeds the limit; it was discarded"))
                        )
                    case .line(let buffer):
                        let line = String(buffer: buffer)
                        if line.allSatisfy(\.isWhitespace) { continue }
                        group.addTask { await self.handleLine(line, connection: connection) }
                    }
                }
            } catch {
                // A read error ends the connection like end of input.
            }
            await connection.close()
            await handler.connectionClosed(connection)
        }
    }

    /// Answers one line (a request, a notification, a batch or a response to the server's request).
    public func handleLine(_ line: String, connection: RPCConnection) async {
        let message: JSONValue
        do {
            message = try JSONValue.parse(line)
        } catch {
            await connection.send(Self.errorResponse(id: .null, RPCError(.parseError, "parse error: \(error.message)")))
            return
        }
        if case .array(let elements) = message {
            guard !elements.isEmpty else {
                await connection.send(
                    Self.errorResponse(id: .null, RPCError(.invalidRequest, "an empty batch is not a request")))
                return
            }
            var responses: [JSONValue] = []
            for element in elements {
                if let response = await handleMessage(element, connection: connection) { responses.append(response) }
            }
            if !responses.isEmpty { await connection.send(.array(responses)) }
            return
        }
        if let response = await handleMessage(message, connection: connection) { await connection.send(response) }
    }

    /// The response to one message, nil for notifications and for responses to the server's requests.
    func handleMessage(_ message: JSONValue, connection: RPCConnection) async -> JSONValue? {
        let envelope: RPCEnvelope
        do {
            envelope = try RPCEnvelope(message)
        } catch {
            return Self.errorResponse(id: RPCEnvelope.echoableID(message), error)
        }
        switch envelope {
        case .response(let id, let result):
            if case .string(let key) = id { await connection.resolve(key, result) }
            return nil
        case .request(let id, let method, let params):
            let outcome = await run(method, params: params, connection: connection)
            guard let id else { return nil }
            switch outcome {
            case .success(let result): return ["jsonrpc": "2.0", "id": id, "result": result]
            case .failure(let error): return Self.errorResponse(id: id, error)
            }
        }
    }

    private func run(_ method: String, params: JSONValue?, connection: RPCConnection) async -> Result<
        JSONValue, RPCError
    > {
        if requiresInitialize, !handler.isAllowedBeforeInitialize(method), await !connection.isInitialized {
            return .failure(
                RPCError(.unauthorized, "call initialize (with auth_token when the server requires one) first"))
        }
        do {
            return .success(try await handler.handle(method: method, params: params, connection: connection))
        } catch {
            return .failure(error)
        }
    }

    static func errorResponse(id: JSONValue, _ error: RPCError) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "error": error.json]
    }
}

/// A validated JSON-RPC 2.0 message.
enum RPCEnvelope {
    /// A request (`id` nil for a notification).
    case request(id: JSONValue?, method: String, params: JSONValue?)
    /// A response to a request the server sent.
    case response(id: JSONValue, result: Result<JSONValue, RPCError>)

    init(_ message: JSONValue) throws(RPCError) {
        guard case .object(let object) = message else {
            throw RPCError(.invalidRequest, "a request must be a JSON object, got \(message.typeName)")
        }
        guard object["jsonrpc"] == "2.0" else {
            throw RPCError(.invalidRequest, "jsonrpc: must be \"2.0\"", field: "jsonrpc")
        }
        let id = object["id"]
        if let id {
            switch id {
            case .string, .null: break
            case .number(let number) where number.rounded() == number: break
            default:
                throw RPCError(
                    .invalidRequest, "id: must be a string, an integer or null, got \(id.typeName)", field: "id")
            }
        }
        guard let methodValue = object["method"] else {
            guard let id, object["result"] != nil || object["error"] != nil else {
                throw RPCError(.invalidRequest, "method: is required", field: "method")
            }
            if let result = object["result"] {
                self = .response(id: id, result: .success(result))
            } else {
                let error = object["error"]
                let code = error?["code"]?.intValue.flatMap(RPCErrorCode.init(rawValue:)) ?? .internalError
                self = .response(
                    id: id, result: .failure(RPCError(code, error?["message"]?.stringValue ?? "client error")))
            }
            return
        }
        guard case .string(let method) = methodValue, !method.isEmpty else {
            throw RPCError(.invalidRequest, "method: must be a non-empty string", field: "method")
        }
        let params = object["params"]
        switch params {
        case nil, .object?: break
        case .array?:
            throw RPCError(.invalidParams, "params: must be an object (parameters are by name)", field: "params")
        case let other?:
            throw RPCError(.invalidRequest, "params: must be an object, got \(other.typeName)", field: "params")
        }
        if let unknown = object.keys.sorted().first(where: { !["jsonrpc", "id", "method", "params"].contains($0) }) {
            throw RPCError(.invalidRequest, "\(unknown): not a JSON-RPC 2.0 request member", field: unknown)
        }
        self = .request(id: id, method: method, params: params)
    }

    /// The id to echo in an error for a message that failed validation: its id when that id is valid, else null.
    static func echoableID(_ message: JSONValue) -> JSONValue {
        switch message["id"] {
        case .string(let text)?: .string(text)
        case .number(let number)? where number.rounded() == number: .number(number)
        default: .null
        }
    }
}
