// Benchmarks print numbers; they are run on demand, never by `swift test`.
// Usage: swift run -c release meerkat-bench [suite ...]   (no suite = all)
import Foundation
import Logging
import MeerkatService

// `MEERKAT_EXECUTOR=nio` measures the process with NIO's event loops as Swift's global executor, as `skat` runs
// with it (docs/performance.md).
let executor: ProcessExecutor
do {
    executor = try ProcessExecutor.chosen(environment: ProcessInfo.processInfo.environment)
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(64)
}
guard executor.install() else {
    FileHandle.standardError.write(Data("cannot install the \(executor.rawValue) executor\n".utf8))
    exit(1)
}

// Logs go to stderr at `skat`'s default level (`BenchLogging`).
let logLevel: Logger.Level
do {
    logLevel = try BenchLogging.level(environment: ProcessInfo.processInfo.environment)
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(64)
}
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = logLevel
    return handler
}

let suites: [String: @Sendable () async throws -> Void] = benchmarkSuites()
let requested = CommandLine.arguments.dropFirst()
let names = requested.isEmpty ? suites.keys.sorted() : Array(requested)
for name in names {
    guard let suite = suites[name] else {
        FileHandle.standardError.write(Data("unknown suite '\(name)'; known: \(suites.keys.sorted())\n".utf8))
        exit(64)
    }
    print("== \(name)")
    try await suite()
}
