// Benchmarks print numbers; they are run on demand, never by `swift test`.
// Usage: swift run -c release meerkat-bench [suite ...]   (no suite = all)
import Foundation

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
