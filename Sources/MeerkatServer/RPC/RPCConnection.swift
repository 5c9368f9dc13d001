import Foundation
public import MeerkatService

/// One client connection of the JSON-RPC or MCP server: writes lines to the client, tracks the requests the server
/// sent it (`tool/execute`), its event subscriptions, and whether it authenticated.
public actor RPCConnection {
    /// Writes one line (without its newline) to the client; returns false when the client is gone.
    public typealias LineWriter = @Sendable (String) async -> Bool

    /// Identifies this connection's callback tools in the service.
    public nonisolated let toolProvider = ExternalToolProviderID()
    private let writer: LineWriter
    private var pending: [String: CheckedContinuation<Result<JSONValue, RPCError>, Never>] = [:]
    private var nextRequestID = 0
    private var subscriptions: [String: Task<Void, Never>] = [:]
    private var nextSubscription = 0
    /// True once the client's input ended: requests to the client fail at once (answers may still be written).
    public private(set) var isClosed = false
    /// True once `initialize` succeeded (with the token, when one is required).
    public private(set) var isInitialized = false

    public init(writer: @escaping LineWriter) {
        self.writer = writer
    }

    func markInitialized() { isInitialized = true }

    /// Sends a response, notification or request line.
    @discardableResult
    func send(_ message: JSONValue) async -> Bool {
        await writer(message.compactText())
    }

    /// Sends a notification.
    func notify(_ method: String, _ params: JSONValue) async {
        await send(["jsonrpc": "2.0", "method": .string(method), "params": params])
    }

    /// Sends a request to the client and waits for its answer: the result, the client's error, or a
    /// `disconnected` failure when the connection closes first (or the waiting task is cancelled).
    func request(_ method: String, _ params: JSONValue) async -> Result<JSONValue, RPCError> {
        guard !isClosed else { return .failure(RPCError(.internalError, "the client disconnected")) }
        nextRequestID += 1
        let id = "srv-\(nextRequestID)"
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // A cancellation that came first is seen here; a later one reaches `resolve` after this registration.
                if Task.isCancelled {
                    continuation.resume(returning: .failure(RPCError(.internalError, "the call was cancelled")))
                    return
                }
                pending[id] = continuation
                Task {
                    let sent = await self.send(
                        ["jsonrpc": "2.0", "id": .string(id), "method": .string(method), "params": params])
                    if !sent { self.resolve(id, .failure(RPCError(.internalError, "the client disconnected"))) }
                }
            }
        } onCancel: {
            Task { await self.resolve(id, .failure(RPCError(.internalError, "the call was cancelled"))) }
        }
    }

    /// Routes a response line from the client to the request waiting for it; false when no request has that id.
    @discardableResult
    func resolve(_ id: String, _ result: Result<JSONValue, RPCError>) -> Bool {
        guard let continuation = pending.removeValue(forKey: id) else { return false }
        continuation.resume(returning: result)
        return true
    }

    /// Starts a subscription task; returns its id.
    func addSubscription(_ start: (String) -> Task<Void, Never>) -> String {
        nextSubscription += 1
        let id = "sub-\(nextSubscription)"
        subscriptions[id] = start(id)
        return id
    }

    /// Cancels a subscription; false when no subscription has that id.
    func removeSubscription(_ id: String) -> Bool {
        guard let task = subscriptions.removeValue(forKey: id) else { return false }
        task.cancel()
        return true
    }

    /// Closes the connection: pending requests to the client fail with `disconnected`, subscriptions end.
    func close() {
        isClosed = true
        let waiting = pending
        pending.removeAll()
        for continuation in waiting.values {
            continuation.resume(returning: .failure(RPCError(.internalError, "the client disconnected")))
        }
        for task in subscriptions.values { task.cancel() }
        subscriptions.removeAll()
    }
}
