import Foundation
public import MeerkatService

/// The Meerkat JSON-RPC 2.0 surface over a `SessionService` (docs/rpc.md): sessions, inputs, the runtime control
/// plane, LLM routing, event subscriptions and callback tools. Transport-independent: `RPCStdioTransport` and
/// `RPCTCPListener` feed it lines.
public struct RPCServer: RPCMethodHandler {
    /// The protocol name reported by `initialize`.
    public static let protocolName = "meerkat-rpc/1"

    public let service: SessionService
    /// The token `initialize` must carry (nil: none required).
    let authToken: String?

    public init(service: SessionService, authToken: String? = nil) {
        self.service = service
        self.authToken = authToken
    }

    /// Every method the server answers, in documentation order.
    public static let methods: [String] = [
        "initialize", "session/create", "session/list", "session/read", "session/history", "session/archive",
        "session/delete", "input/accept", "input/status", "input/wait", "input/list_active", "runtime/state",
        "runtime/retire",
        "runtime/reset", "runtime/stop", "runtime/interrupt", "llm/reconfigure", "llm/capabilities",
        "routing/status", "routing/switch_turn", "turn/start", "session/subscribe", "session/unsubscribe",
        "tools/register", "tools/unregister",
    ]

    /// The line protocol for this server: `initialize` is required first when a token is set.
    public var lineProtocol: RPCLineProtocol {
        RPCLineProtocol(handler: self, requiresInitialize: authToken != nil)
    }

    public func isAllowedBeforeInitialize(_ method: String) -> Bool { method == "initialize" }

    public func connectionClosed(_ connection: RPCConnection) async {
        await service.removeExternalTools(provider: connection.toolProvider)
    }

    public func handle(method: String, params: JSONValue?, connection: RPCConnection) async throws(RPCError)
        -> JSONValue
    {
        let p = try RPCParams(params)
        switch method {
        case "initialize": return try await initialize(p, connection: connection)
        case "session/create": return try await createSession(p)
        case "session/list": return try await listSessions(p)
        case "session/read": return try await readSession(p)
        case "session/history": return try await history(p)
        case "session/archive", "session/delete":
            try p.allowOnly(["session_id"])
            let id = try await resolve(p)
            try await call { () throws(ServiceError) in
                if method == "session/archive" { try await service.archive(id) } else { try await service.delete(id) }
            }
            return ["session_id": .string(id.description)]
        case "input/accept": return try await acceptInput(p)
        case "turn/start": return try await startTurn(p)
        case "input/status": return try await inputStatus(p)
        case "input/wait": return try await waitInput(p)
        case "input/list_active":
            try p.allowOnly(["session_id"])
            let id = try await resolve(p)
            let inputs = try await runtime { () throws(RuntimeDriverError) in
                try await service.listActiveInputs(session: id)
            }
            return ["session_id": .string(id.description), "input_ids": .array(inputs.map { .string($0.description) })]
        case "runtime/state", "runtime/retire", "runtime/reset", "runtime/stop", "runtime/interrupt":
            return try await runtimeControl(method, p)
        case "llm/reconfigure", "llm/capabilities", "routing/status", "routing/switch_turn":
            return try await routing(method, p)
        case "session/subscribe": return try await subscribe(p, connection: connection)
        case "session/unsubscribe":
            try p.allowOnly(["subscription_id"])
            let id = try p.requiredString("subscription_id")
            guard await connection.removeSubscription(id) else {
                throw RPCError(
                    .subscriptionNotFound, "no subscription '\(id)' on this connection", field: "subscription_id")
            }
            return ["subscription_id": .string(id), "unsubscribed": true]
        case "tools/register": return try await registerTools(p, connection: connection)
        case "tools/unregister":
            try p.allowOnly([])
            await service.removeExternalTools(provider: connection.toolProvider)
            return ["unregistered": true]
        default:
            throw RPCError(.methodNotFound, "method '\(method)' not found (see initialize's 'methods')")
        }
    }

    // MARK: Helpers

    func resolve(_ p: RPCParams, key: String = "session_id") async throws(RPCError) -> SessionID {
        let text = try p.sessionSelector(key)
        return try await call { () throws(ServiceError) in try await service.resolve(SessionSelector(text)) }
    }

    func call<T>(_ body: () async throws(ServiceError) -> T) async throws(RPCError) -> T {
        do {
            return try await body()
        } catch {
            throw RPCErrorMapping.error(error)
        }
    }

    func runtime<T>(_ body: () async throws(RuntimeDriverError) -> T) async throws(RPCError) -> T {
        do {
            return try await body()
        } catch {
            throw RPCErrorMapping.error(error)
        }
    }

    /// Encodes a wire type as a JSON value.
    static func json(_ value: some Encodable) throws(RPCError) -> JSONValue {
        do {
            return try WireJSON.toJSONValue(value)
        } catch {
            throw RPCError(.internalError, "cannot encode the result: \(error)")
        }
    }

    // MARK: initialize

    private func initialize(_ p: RPCParams, connection: RPCConnection) async throws(RPCError) -> JSONValue {
        try p.allowOnly(["protocol_version", "client_info", "auth_token"])
        if let required = authToken {
            guard let offered = try p.string("auth_token") else {
                throw RPCError(.unauthorized, "auth_token: is required by this server", field: "auth_token")
            }
            guard RPCAuth.constantTimeEqual(offered, required) else {
                throw RPCError(.unauthorized, "auth_token: does not match", field: "auth_token")
            }
        }
        if let version = try p.string("protocol_version"), version != Self.protocolName {
            throw .invalidParams("protocol_version", "unsupported; this server speaks '\(Self.protocolName)'")
        }
        await connection.markInitialized()
        return [
            "protocol_version": .string(Self.protocolName), "server_info": ["name": "meerkat", "version": "0.1.0"],
            "methods": .array(Self.methods.map(JSONValue.string)),
            "notifications": ["session/event", "session/subscription_ended"], "client_methods": ["tool/execute"],
        ]
    }
}
