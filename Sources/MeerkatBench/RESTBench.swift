import AsyncHTTPClient
import Foundation
import MeerkatCore
import MeerkatSQLite
import MeerkatServer
import MeerkatService
import MeerkatTesting
import NIOCore
import NIOHTTP1

/// `meerkat-bench rest`: REST request latency (p50/p99 of `GET /sessions/{id}`) and input acceptance throughput
/// (`POST /sessions/{id}/inputs` answered 202) with 1, 16 and 256 concurrent clients, on the in-memory and SQLite
/// realms, over loopback against the in-process mock model. `MEERKAT_BENCH_REQUESTS` sets the requests per row
/// (default 2048, split over the clients).
enum RESTBench {
    static func run() async throws {
        let total = Int(ProcessInfo.processInfo.environment["MEERKAT_BENCH_REQUESTS"] ?? "") ?? 2_048
        let mock = MockProviderServer(
            configuration: MockProviderServer.Configuration(requireAuth: false, ruleMode: true))
        let mockPort = try await mock.start()
        print("backend  clients  read p50 ms  read p99 ms  reads/s  accept p50 ms  accept p99 ms  accepts/s")
        for backend in [RealmBackend.memory, .sqlite] {
            let (environment, folder) = try await ServerBenchEnvironment.open(
                backend: backend, mockPort: mockPort, label: "rest")
            let server = try RESTServer(
                service: environment.service, configuration: RESTServerConfiguration(host: "127.0.0.1", port: 0))
            let handle = try await server.start()
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 256
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            let base = "http://127.0.0.1:\(handle.port)"
            for clients in [1, 16, 256] {
                let perClient = max(4, total / clients)
                var sessions: [String] = []
                for _ in 0..<clients {
                    let reply = try await send(client, .POST, base + "/sessions", body: "{}")
                    sessions.append(try JSONValue.parse(reply.1)["session"]?["id"]?.stringValue ?? "")
                }
                let ids = sessions
                let reads = try await measure(clients: clients, perClient: perClient) { index, _ in
                    try await send(client, .GET, base + "/sessions/\(ids[index])").0 == 200
                }
                let accepts = try await measure(clients: clients, perClient: perClient) { index, step in
                    try await send(
                        client, .POST, base + "/sessions/\(ids[index])/inputs",
                        body: #"{"input_type":"prompt","content":"bench \#(step)"}"#
                    ).0 == 202
                }
                print(
                    "\(backend.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(String(format: "%7d", clients))"
                        + String(format: "  %11.2f  %11.2f  %7.0f", reads.p50, reads.p99, reads.rate)
                        + String(format: "  %13.2f  %13.2f  %9.0f", accepts.p50, accepts.p99, accepts.rate))
                _ = await environment.service.drainActiveInputs(timeout: .seconds(120))
            }
            try await client.shutdown()
            try await handle.shutdown()
            await environment.close()
            try? FileManager.default.removeItem(at: folder)
        }
        await mock.stop()
    }

    struct Row {
        var p50: Double
        var p99: Double
        var rate: Double
    }

    /// Runs `clients` concurrent loops of `perClient` requests; latencies in ms, rate in successful requests/s.
    static func measure(
        clients: Int, perClient: Int, _ request: @escaping @Sendable (Int, Int) async throws -> Bool
    ) async throws -> Row {
        let start = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for index in 0..<clients {
                group.addTask {
                    var out: [Double] = []
                    for step in 0..<perClient {
                        let began = ContinuousClock.now
                        guard try await request(index, step) else { throw BenchFailure("unexpected status") }
                        let elapsed = ContinuousClock.now - began
                        out.append(
                            Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3)
                    }
                    return out
                }
            }
            var all: [Double] = []
            for try await part in group { all += part }
            return all.sorted()
        }
        let seconds =
            Double((ContinuousClock.now - start).components.attoseconds) / 1e18
            + Double((ContinuousClock.now - start).components.seconds)
        func percentile(_ p: Double) -> Double {
            latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
        }
        return Row(p50: percentile(0.5), p99: percentile(0.99), rate: Double(latencies.count) / max(seconds, 1e-9))
    }

    static func send(_ client: HTTPClient, _ method: HTTPMethod, _ url: String, body: String? = nil) async throws
        -> (Int, Data)
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(120))
        let buffer = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return (Int(response.status.code), Data(buffer.readableBytesView))
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
