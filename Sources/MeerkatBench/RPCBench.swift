import Foundation
import MeerkatCore
import MeerkatSQLite
import MeerkatServer
import MeerkatService
import MeerkatTesting
import NIOCore
import NIOPosix

/// `meerkat-bench rpc`: JSON-RPC request latency (p50/p99 of `session/read`) and input acceptance throughput
/// (`input/accept` without waiting) with 1, 16 and 256 concurrent TCP clients, on the in-memory and SQLite realms,
/// against the mock provider on loopback.
enum RPCBench {
    static func run() async throws {
        for backend in [RealmBackend.memory, .sqlite] {
            for clients in [1, 16, 256] {
                try await measure(backend: backend, clients: clients)
            }
        }
    }

    private static func measure(backend: RealmBackend, clients: Int) async throws {
        let mock = MockProviderServer()
        try await mock.start()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rpc-bench-\(UUID().uuidString)")
        let project = root.appendingPathComponent("project")
        try FileManager.default.createDirectory(
            at: project.appendingPathComponent(".skat"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let environment = try await ServiceEnvironment.open(
            ServiceEnvironmentOptions(
                backend: backend, currentDirectory: project, userConfig: .none,
                environment: [
                    "HOME": root.path, "SKAT_CEILING_DIRECTORIES": root.path,
                    "OPENAI_BASE_URL": mock.baseURL + "/v1", "OPENAI_API_KEY": "bench",
                ]))
        let server = RPCServer(service: environment.service)
        let listener = try await RPCTCPListener.start(
            host: "127.0.0.1", port: 0, maxLineBytes: 4 << 20, protocol: server.lineProtocol)
        let connections = try await withThrowingTaskGroup(of: BenchRPCClient.self) { group in
            for _ in 0..<clients { group.addTask { try await BenchRPCClient.connect(port: listener.port) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        var sessions: [String] = []
        for connection in connections {
            let created = await connection.call(
                "session/create", ["intent": ["model": "gpt-5.4"], "no_system_prompt": true])
            sessions.append(created["result"]?["session_id"]?.stringValue ?? "")
        }
        let reads = max(20, 2000 / clients)
        let accepts = max(10, 1000 / clients)

        var latencies: [Double] = []
        await withTaskGroup(of: [Double].self) { group in
            for (index, connection) in connections.enumerated() {
                let session = sessions[index]
                group.addTask {
                    var samples: [Double] = []
                    for _ in 0..<reads {
                        let start = ContinuousClock.now
                        _ = await connection.call("session/read", ["session_id": .string(session)])
                        samples.append((ContinuousClock.now - start).benchMilliseconds)
                    }
                    return samples
                }
            }
            for await samples in group { latencies += samples }
        }
        latencies.sort()

        let start = ContinuousClock.now
        let accepted = await withTaskGroup(of: Int.self) { group in
            for (index, connection) in connections.enumerated() {
                let session = sessions[index]
                group.addTask {
                    var count = 0
                    for number in 0..<accepts {
                        let answer = await connection.call(
                            "input/accept", ["session_id": .string(session), "prompt": .string("bench \(number)")])
                        if answer["result"]?["outcome"]?["outcome_type"] == "accepted" { count += 1 }
                    }
                    return count
                }
            }
            return await group.reduce(0, +)
        }
        let seconds = (ContinuousClock.now - start).benchMilliseconds / 1000
        let p50 = latencies[latencies.count / 2]
        let p99 = latencies[min(latencies.count - 1, Int(Double(latencies.count) * 0.99))]
        print(
            "rpc \(backend.rawValue) clients=\(clients): session/read p50 \(String(format: "%.2f", p50)) ms, "
                + "p99 \(String(format: "%.2f", p99)) ms (\(latencies.count) requests); "
                + "input/accept \(String(format: "%.0f", Double(accepted) / seconds)) inputs/s "
                + "(\(accepted) of \(accepts * clients) accepted)")
        for connection in connections { await connection.close() }
        await listener.stop()
        await environment.close()
        await mock.stop()
    }
}

/// A minimal sequential-per-caller JSON-RPC client over TCP for the benchmark.
actor BenchRPCClient {
    private var outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>?
    private var waiters: [Int: CheckedContinuation<JSONValue, Never>] = [:]
    private var nextID = 0
    private var reader: Task<Void, Never>?

    static func connect(port: Int) async throws -> BenchRPCClient {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(RPCFrameDecoder(maxLineBytes: 64 << 20)))
                    return try NIOAsyncChannel<RPCFrame, ByteBuffer>(wrappingChannelSynchronously: channel)
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
        }
        for await _ in ready.stream { break }
    }

    private func setOutbound(_ writer: NIOAsyncChannelOutboundWriter<ByteBuffer>) { outbound = writer }

    private func resolve(_ id: Int, _ message: JSONValue) {
        waiters.removeValue(forKey: id)?.resume(returning: message)
    }

    func call(_ method: String, _ params: JSONValue) async -> JSONValue {
        nextID += 1
        let id = nextID
        var buffer = ByteBuffer()
        buffer.writeString(
            JSONValue.object(["jsonrpc": "2.0", "id": .number(Double(id)), "method": .string(method), "params": params])
                .compactText() + "\n")
        let writer = outbound
        return await withCheckedContinuation { continuation in
            waiters[id] = continuation
            Task {
                do {
                    try await writer?.write(buffer)
                } catch {
                    self.resolve(id, ["error": "write failed"])
                }
            }
        }
    }

    func close() async {
        outbound?.finish()
        await reader?.value
    }
}

extension Duration {
    fileprivate var benchMilliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
