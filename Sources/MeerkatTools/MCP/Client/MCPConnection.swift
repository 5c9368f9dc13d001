import MeerkatCore

/// The JSON-RPC 2.0 peer over one transport: numbers requests, matches replies, answers the server's `ping`,
/// forwards notifications, and fails every pending request when the transport closes (no call ever hangs on a
/// dead server).
actor MCPConnection {
    private let transport: any MCPTransport
    private var nextID = 1
    private var pending: [Int: CheckedContinuation<JSONValue, any Error>] = [:]
    /// The task sending each pending request (cancelled with it: an HTTP request in flight is aborted).
    private var senders: [Int: Task<Void, Never>] = [:]
    private var closedReason: String?
    private let closed = OneShot<String>()
    private var onNotification: (@Sendable (String, JSONValue?) -> Void)?

    init(transport: any MCPTransport) {
        self.transport = transport
    }

    /// Starts the transport.
    func start() async throws(MCPClientError) {
        try await transport.start { [weak self] event in await self?.receive(event) }
    }

    /// Receives server notifications (method and params) from now on.
    func setNotificationHandler(_ handler: @escaping @Sendable (String, JSONValue?) -> Void) {
        onNotification = handler
    }

    /// Why the connection closed, once it has.
    var closeReason: String? { closedReason }

    /// Suspends until the connection closes and returns the reason.
    nonisolated func waitUntilClosed() async -> String {
        await closed.wait()
    }

    /// Passes the agreed protocol version to the transport.
    func negotiated(protocolVersion: String) async {
        await transport.negotiated(protocolVersion: protocolVersion)
    }

    /// Sends a request and waits for its result. Task cancellation sends `notifications/cancelled` and throws
    /// `CancellationError`.
    func request(_ method: String, params: JSONValue? = nil) async throws -> JSONValue {
        if let closedReason { throw MCPClientError.connectionClosed(closedReason) }
        let id = nextID
        nextID += 1
        var message: [String: JSONValue] = ["jsonrpc": "2.0", "id": .number(Double(id)), "method": .string(method)]
        if let params { message["params"] = params }
        let payload = JSONValue.object(message)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<JSONValue, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                pending[id] = continuation
                senders[id] = Task { await self.transmit(payload, id: id) }
            }
        } onCancel: {
            Task { await self.cancel(id: id) }
        }
    }

    /// Sends a notification.
    func notify(_ method: String, params: JSONValue? = nil) async throws(MCPClientError) {
        if let closedReason { throw .connectionClosed(closedReason) }
        var message: [String: JSONValue] = ["jsonrpc": "2.0", "method": .string(method)]
        if let params { message["params"] = params }
        try await transport.send(.object(message))
    }

    /// Closes the transport; pending requests fail with `reason`.
    func close(reason: String = "closed by the client") async {
        if closedReason == nil { markClosed(reason) }
        await transport.close()
    }

    private func transmit(_ payload: JSONValue, id: Int) async {
        defer { senders.removeValue(forKey: id) }
        do {
            try await transport.send(payload)
        } catch {
            fail(id: id, with: error)
            return
        }
        if transport.repliesInline, pending[id] != nil {
            fail(id: id, with: .protocolViolation("the server ended its HTTP response without answering request \(id)"))
        }
    }

    private func cancel(id: Int) async {
        guard let continuation = pending.removeValue(forKey: id) else { return }
        senders.removeValue(forKey: id)?.cancel()
        continuation.resume(throwing: CancellationError())
        try? await notify(
            "notifications/cancelled", params: ["requestId": .number(Double(id)), "reason": "cancelled by the client"])
    }

    private func fail(id: Int, with error: MCPClientError) {
        pending.removeValue(forKey: id)?.resume(throwing: error)
    }

    private func markClosed(_ reason: String) {
        closedReason = reason
        let waiting = pending
        pending.removeAll()
        for sender in senders.values { sender.cancel() }
        senders.removeAll()
        for continuation in waiting.values { continuation.resume(throwing: MCPClientError.connectionClosed(reason)) }
        closed.complete(reason)
    }

    private func receive(_ event: MCPTransportEvent) async {
        switch event {
        case .closed(let reason):
            if closedReason == nil { markClosed(reason) }
        case .message(.array(let batch)):
            for message in batch { await handle(message) }
        case .message(let message):
            await handle(message)
        }
    }

    private func handle(_ message: JSONValue) async {
        let method = message["method"]?.stringValue
        let id = message["id"]
        if let method {
            if let id, id != .null {
                await answer(request: method, id: id)
            } else {
                onNotification?(method, message["params"])
            }
            return
        }
        guard let number = id?.intValue, let continuation = pending.removeValue(forKey: number) else { return }
        if let error = message["error"], error != .null {
            continuation.resume(
                throwing: MCPClientError.server(
                    code: error["code"]?.intValue ?? 0, message: error["message"]?.stringValue ?? error.compactText()))
        } else {
            continuation.resume(returning: message["result"] ?? .object([:]))
        }
    }

    /// Answers a server-to-client request: `ping` succeeds, anything else is "method not found".
    private func answer(request method: String, id: JSONValue) async {
        let reply: JSONValue =
            method == "ping"
            ? ["jsonrpc": "2.0", "id": id, "result": [:]]
            : [
                "jsonrpc": "2.0", "id": id,
                "error": ["code": -32601, "message": .string("method '\(method)' is not supported by this client")],
            ]
        let transport = transport
        Task { try? await transport.send(reply) }
    }
}
