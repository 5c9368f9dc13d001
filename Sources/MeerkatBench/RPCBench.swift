import Foundation
import MeerkatCore
import MeerkatSQLite
import MeerkatServer
import MeerkatService
import MeerkatTesting
import NIOCore
import NIOPosix

/// `meerkat-bench rpc`: JSON-RPC request latency (p50/p99 of `session/read`) and input acceptance (`input/accept`
/// without `wait`, answered `accepted`) with 1, 16 and 256 concurrent TCP clients, on the in-memory and SQLite
/// realms, over loopback against the in-process mock model — the same shape as `meerkat-bench rest`.
/// `MEERKAT_BENCH_REQUESTS` sets the requests per row (default 2048, split over the clients).
enum RPCBench {
    static func run() async throws {
        let total = Int(ProcessInfo.processInfo.environment["MEERKAT_BENCH_REQUESTS"] ?? "") ?? 2_048
        let mock = MockProviderServer(
            configuration: MockProviderServer.Configuration(requireAuth: false, ruleMode: true))
        let mockPort = try await mock.start()
        emit("backend  clients  read p50 ms  read p99 ms  reads/s  accept p50 ms  accept p99 ms  accepts/s")
        for backend in [RealmBackend.memory, .sqlite] {
            let (environment, folder) = try await ServerBenchEnvironment.open(
                backend: backend, mockPort: mockPort, label: "rpc")
            let server = RPCServer(service: environment.service)
            let listener = try await RPCTCPListener.start(
                host: "127.0.0.1", port: 0, maxLineBytes: 4 << 20, protocol: server.lineProtocol)
            for clients in [1, 16, 256] {
                let perClient = max(4, total / clients)
                let connections = try await withThrowingTaskGroup(of: BenchRPCClient.self) { group in
                    for _ in 0..<clients { group.addTask { try await BenchRPCClient.connect(port: listener.port) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                var sessions: [String] = []
                for connection in connections {
                    let created = try await connection.result("session/create", [:])
                    guard let id = created["session_id"]?.stringValue else {
                        throw BenchFailure("session/create answered \(created.compactText())")
                    }
                    sessions.append(id)
                }
                let ids = sessions
                let reads = try await RESTBench.measure(clients: clients, perClient: perClient) { index, _ in
                    try await connections[index].result("session/read", ["session_id": .string(ids[index])])[
                        "session"] != nil
                }
                let accepts = try await RESTBench.measure(clients: clients, perClient: perClient) { index, step in
                    let answer = try await connections[index].result(
                        "input/accept", ["session_id": .string(ids[index]), "prompt": .string("bench \(step)")])
                    return answer["outcome"]?["outcome_type"] == "accepted"
                }
                emit(
                    "\(backend.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(String(format: "%7d", clients))"
                        + String(format: "  %11.2f  %11.2f  %7.0f", reads.p50, reads.p99, reads.rate)
                        + String(format: "  %13.2f  %13.2f  %9.0f", accepts.p50, accepts.p99, accepts.rate))
                // The queued prompts are not what is measured: stopping each runtime abandons them (instead of
                // running hundreds of turns on an ever longer transcript) and the next row starts idle.
                for (index, connection) in connections.enumerated() {
                    _ = try await connection.result("runtime/stop", ["session_id": .string(ids[index])])
                    await connection.close()
                }
            }
            await listener.stop()
            await environment.close()
            try? FileManager.default.removeItem(at: folder)
        }
        await mock.stop()
    }

    /// Writes a line at once (`print` is block-buffered when stdout is not a terminal).
    private static func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

/// A minimal JSON-RPC client over TCP for the benchmark: any number of calls in flight, answers matched by id.
actor BenchRPCClient {
    private var outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>?
    private var waiters: [Int: CheckedContinuation<JSONValue, Never>] = [:]
    private var nextID = 0
    private var reader: Task<Void, Never>?
    private var closed = false

    static func connect(port: Int) async throws -> BenchRPCClient {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(RPCFrameDecoder(maxLineBytes: 64 << 20)))
                    // Half-closure: finishing the writer sends FIN, so the server answers what is in flight and
                    // closes (without it `close()` would wait for a server that still expects requests).
                    return try NIOAsyncChannel<RPCFrame, ByteBuffer>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(isOutboundHalfClosureEnabled: true))
                }
            }
        let client = BenchRPCClient()
        await client.start(channel)
        return client
    }

    private func start(_ channel: NIOAsyncChannel<RPCFrame, ByteBuffer>) async {
        let ready = AsyncStream<Void>.makeStream()
        reader = Task {
            try? await channel.executeThenClose { inbound, outbound in
                self.setOutbound(outbound)
                ready.continuation.yield()
                for try await frame in inbound {
                    guard case .line(let buffer) = frame, let message = try? JSONValue.parse(String(buffer: buffer)),
                        let id = message["id"]?.intValue
                    else { continue }
                    self.resolve(id, message)
                }
            }
            ready.continuation.finish()
            self.finish()
        }
        for await _ in ready.stream { break }
    }

    private func setOutbound(_ writer: NIOAsyncChannelOutboundWriter<ByteBuffer>) { outbound = writer }

    private func resolve(_ id: Int, _ message: JSONValue) {
        waiters.removeValue(forKey: id)?.resume(returning: message)
    }

    /// The connection ended: every call still waiting gets an error (none waits forever).
    private func finish() {
        closed = true
        let waiting = waiters
        waiters.removeAll()
        for waiter in waiting.values { waiter.resume(returning: ["error": "connection closed"]) }
    }

    /// Sends a request and returns the whole response object.
    func call(_ method: String, _ params: JSONValue) async -> JSONValue {
        nextID += 1
        let id = nextID
        var buffer = ByteBuffer()
        buffer.writeString(
            JSONValue.object(["jsonrpc": "2.0", "id": .number(Double(id)), "method": .string(method), "params": params])
                .compactText() + "\n")
        let writer = outbound
        return await withCheckedContinuation { continuation in
            guard !closed, let writer else {
                continuation.resume(returning: ["error": "connection closed"])
                return
            }
            waiters[id] = continuation
            Task {
                do {
                    try await writer.write(buffer)
                } catch {
                    self.resolve(id, ["error": "write failed"])
                }
            }
        }
    }

    /// The result of a call; an error answer fails the benchmark (with the server's message).
    func result(_ method: String, _ params: JSONValue) async throws -> JSONValue {
        let answer = await call(method, params)
        guard let result = answer["result"] else { throw BenchFailure("\(method): \(answer.compactText())") }
        return result
    }

    /// Ends the request stream and waits until the server closed the connection.
    func close() async {
        outbound?.finish()
        await reader?.value
    }
}
