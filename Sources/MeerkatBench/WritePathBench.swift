import Dispatch
import Foundation
import GRDB

/// Ways of getting one small write transaction committed from an async caller, on a WAL database like a realm's:
/// what a store write costs before any row encoding, and how much of it is thread hand-offs.
enum WritePathBench {
    static func run() async throws {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("meerkat-writepath-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let pool = try DatabasePool(
            path: root.appendingPathComponent("bench.sqlite").path, configuration: configuration)
        try await pool.write { db in try db.execute(sql: "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)") }
        let payload = Data(repeating: 0x78, count: 600)
        let count = 3000
        let insert: @Sendable (Database) throws -> Void = { db in
            try db.cachedStatement(sql: "INSERT INTO t(v) VALUES (?)").execute(arguments: [payload])
        }
        for round in 0..<2 {
            print("-- round \(round + 1)")
            try await measure("GRDB pool.write (async)", count) { try await pool.write(insert) }
            try await measure("GRDB pool.write (sync, caller's thread)", count) { try pool.write(insert) }
            try await measure("continuation + Task + pool.write (GroupCommit's shape)", count) {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    Task {
                        do {
                            try await pool.write(insert)
                            continuation.resume()
                        } catch {
                            continuation.resume(throwing: error)
                        }
                    }
                }
            }
            try await measure("continuation + asyncWriteWithoutTransaction (one hop)", count) {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    pool.asyncWriteWithoutTransaction { db in
                        do {
                            try db.inTransaction(.immediate) {
                                try insert(db)
                                return .commit
                            }
                            continuation.resume()
                        } catch {
                            continuation.resume(throwing: error)
                        }
                    }
                }
            }
        }
        try pool.close()
    }

    private static func measure(_ label: String, _ count: Int, _ body: () async throws -> Void) async throws {
        for _ in 0..<200 { try await body() }
        let clock = ContinuousClock()
        var samples: [Duration] = []
        samples.reserveCapacity(count)
        let cpu = CPUTime.now()
        let start = clock.now
        for _ in 0..<count {
            let began = clock.now
            try await body()
            samples.append(clock.now - began)
        }
        let total = clock.now - start
        let cpuPer = (CPUTime.now() - cpu) / Double(count)
        samples.sort()
        func micros(_ duration: Duration) -> Double {
            Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
        }
        print(
            String(
                format: "%@: mean %.1f µs, p50 %.1f µs, p99 %.1f µs, CPU %.1f µs per write", label,
                micros(total) / Double(count), micros(samples[count / 2]), micros(samples[count * 99 / 100]),
                cpuPer * 1e6))
    }
}
