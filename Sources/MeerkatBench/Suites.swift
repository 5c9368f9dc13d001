/// Every benchmark suite by name. Each area adds its entry here.
func benchmarkSuites() -> [String: @Sendable () async throws -> Void] {
    [
        "providers": providersBenchmark,
        "sqlite": { try await SQLiteBench.run() },
        "writepath": { try await WritePathBench.run() },
        "encode": { try await EncodeBench.run() },
        "runtime": { try await RuntimeBench.run() },
        "cli": { try await CLIBench.run() },
        "e2e": { try await E2EBench.run() },
        "rpc": { try await RPCBench.run() },
        "rest": { try await RESTBench.run() },
    ]
}
