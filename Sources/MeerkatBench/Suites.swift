/// Every benchmark suite by name. Each area adds its entry here.
func benchmarkSuites() -> [String: @Sendable () async throws -> Void] {
    [
        "runtime": { try await RuntimeBench.run() }
    ]
}
