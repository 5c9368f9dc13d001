import Foundation
import MeerkatCore
import MeerkatServer
import NIOCore
import NIOPosix
import Synchronization

/// A JSON-RPC client over a real TCP socket for the tests: calls wait for the response with their id, requests
/// from the server (`tool/execute`) go to a handler, everything else (notifications, id-less errors) is queued.
actor RPCTestClient {
    typealias Channel = NIOAsyncChannel<RPCFrame, ByteBuffer>
    typealias ServerRequestHandler = @Sendable (JSONValue) async -> JSONValue?

    private var outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>?
    private var waiters: [String: CheckedContinuation<JSONValue, Never>] = [:]
    private var unsolicited: [JSONValue] = []
    private var unsolicitedWaiters: [CheckedContinuation<JSONValue?, Never>] = []
    private var nextID = 0
    private var serverRequestHandler: ServerRequestHandler?
    private var reader: Task<Void, Never>?
    private var closed = false

    static func connect(port: Int) async throws -> RPCTestClient {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(RPCFrameDecoder(maxLineBytes: 64 << 20)))
                    // Half-closure, like a real client: `finishSending()` sends FIN and the answers still come.
                    return try Channel(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(isOutboundHalfClosureEnabled: true))
                }
            }
        let client = RPCTestClient()
        await client.start(channel)
        return client
    }

    private func start(_ channel: Channel) async {
        let ready = AsyncStream<Void>.makeStream()
        reader = Task {
            try? await channel.executeThenClose { inbound, outbound in
                self.setOutbound(outbound)
                ready.continuation.yield()
                for try await frame in inbound {
                    guard case .line(let buffer) = frame, let message = try? JSONValue.parse(String(buffer: buffer))
                    else { continue }
                    await self.receive(message)
                }
            }
            ready.continuation.finish()
            self.finish()
        }
        for await _ in ready.stream { break }
    }

    private func setOutbound(_ writer: NIOAsyncChannelOutboundWriter<ByteBuffer>) { outbound = writer }

    /// Handles `tool/execute` and other server requests; return nil to leave a request unanswered.
    func onServerRequest(_ handler: @escaping ServerRequestHandler) { serverRequestHandler = handler }

    private func receive(_ message: JSONValue) async {
        if let method = message["method"]?.stringValue, let id = message["id"] {
            if let handler = serverRequestHandler {
                Task {
                    if let result = await handler(message) {
                        await self.send(["jsonrpc": "2.0", "id": id, "result": result])
                    }
                }
                return
            }
            _ = method
        }
        if let id = message["id"]?.stringValue, let waiter = waiters.removeValue(forKey: id) {
            waiter.resume(returning: message)
            return
        }
        if !unsolicitedWaiters.isEmpty {
            unsolicitedWaiters.removeFirst().resume(returning: message)
        } else {
            unsolicited.append(message)
        }
    }

    private func finish() {
        closed = true
        for waiter in waiters.values { waiter.resume(returning: ["error": ["code": -1, "message": "closed"]]) }
        waiters.removeAll()
        for waiter in unsolicitedWaiters { waiter.resume(returning: nil) }
        unsolicitedWaiters.removeAll()
    }

    /// Writes one raw line (a newline is added).
    func sendLine(_ line: String) async {
        var buffer = ByteBuffer()
        buffer.writeString(line + "\n")
        try? await outbound?.write(buffer)
    }

    func send(_ message: JSONValue) async {
        await sendLine(message.compactText())
    }

    /// Sends a request and returns the whole response object.
    func call(_ method: String, _ params: JSONValue = [:]) async -> JSONValue {
        nextID += 1
        let id = "c\(nextID)"
        return await withCheckedContinuation { continuation in
            if closed {
                continuation.resume(returning: ["error": ["code": -1, "message": "closed"]])
                return
            }
            waiters[id] = continuation
            Task {
                await self.send(["jsonrpc": "2.0", "id": .string(id), "method": .string(method), "params": params])
            }
        }
    }

    /// Sends a request and returns its result, failing the test's expectation when it is an error.
    func result(_ method: String, _ params: JSONValue = [:]) async throws -> JSONValue {
        let response = await call(method, params)
        guard let result = response["result"] else {
            throw RPCTestFailure("\(method) failed: \(response.compactText())")
        }
        return result
    }

    /// The next message that is not the answer to a `call` (a notification or an id-less error); nil once closed.
    func nextUnsolicited() async -> JSONValue? {
        if !unsolicited.isEmpty { return unsolicited.removeFirst() }
        if closed { return nil }
        return await withCheckedContinuation { unsolicitedWaiters.append($0) }
    }

    /// The next unsolicited message that `matches`, dropping the ones before it that do not; nil once closed.
    func nextUnsolicited(where matches: (JSONValue) -> Bool) async -> JSONValue? {
        while let message = await nextUnsolicited() {
            if matches(message) { return message }
        }
        return nil
    }

    /// The next queued unsolicited message without waiting; nil when none is queued.
    func nextUnsolicitedNow() -> JSONValue? {
        // Not a ternary: `JSONValue` is `ExpressibleByNilLiteral`, so `cond ? nil : value` would yield `.null`
        // (never an absent value) and a caller's `while let` would never end.
        guard !unsolicited.isEmpty else { return nil }
        return unsolicited.removeFirst()
    }

    /// Ends the request stream (FIN) and keeps reading: the server answers what is in flight, then closes.
    func finishSending() {
        outbound?.finish()
    }

    /// Closes the socket.
    func close() async {
        outbound?.finish()
        reader?.cancel()
        await reader?.value
    }
}

struct RPCTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
