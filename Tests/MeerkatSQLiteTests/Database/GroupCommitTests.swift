import Foundation
import GRDB
import Testing

@testable import MeerkatSQLite

/// Concurrent writes share transactions without sharing fate: each is atomic, a failing one fails alone, and every
/// caller that was answered with success finds its row committed.
struct GroupCommitTests {
    private struct Refused: Error {}

    private func openDatabase(_ directory: TemporaryDirectory) throws -> RealmDatabase {
        let database = try RealmDatabase.open(
            path: directory.appending("group.sqlite3").path, blobs: BlobStore(directory: directory.appending("blobs")))
        return database
    }

    private func count(_ database: RealmDatabase, owner prefix: String) async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM session_leases WHERE owner LIKE ?", arguments: [prefix + "%"]) ?? 0
        }
    }

    @Test func concurrentWritesCommitIndependentlyAndAFailingOneLeavesNothing() async throws {
        let directory = try TemporaryDirectory()
        let database = try openDatabase(directory)
        defer { try? database.close() }
        let results = await withTaskGroup(of: (Int, Bool).self) { group in
            for index in 0..<200 {
                group.addTask {
                    do {
                        try await database.write { db in
                            try db.execute(
                                sql: "INSERT INTO session_leases (session_id, owner, acquired_at_ms, expires_at_ms) "
                                    + "VALUES (?, ?, 0, 0)",
                                arguments: ["s\(index)", "writer-\(index)"])
                            // Every seventh write fails after writing: its row must not survive.
                            if index % 7 == 0 { throw Refused() }
                        }
                        return (index, true)
                    } catch {
                        return (index, false)
                    }
                }
            }
            var collected: [Int: Bool] = [:]
            for await (index, succeeded) in group { collected[index] = succeeded }
            return collected
        }
        #expect(results.count == 200)
        for (index, succeeded) in results {
            #expect(succeeded == (index % 7 != 0), "write \(index)")
        }
        let committed = try await database.read { db in
            try String.fetchAll(db, sql: "SELECT session_id FROM session_leases ORDER BY session_id")
        }
        let expected = (0..<200).filter { $0 % 7 != 0 }.map { "s\($0)" }.sorted()
        #expect(committed == expected)
    }

    @Test func aWriteSeesTheWritesBeforeItAndAConstraintFailureIsIsolated() async throws {
        let directory = try TemporaryDirectory()
        let database = try openDatabase(directory)
        defer { try? database.close() }
        // 50 concurrent writers all try to insert the same primary key: exactly one wins, the others fail with the
        // constraint error, and their failures do not roll back the winner.
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<50 {
                group.addTask {
                    (try? await database.write { db in
                        try db.execute(
                            sql: "INSERT INTO session_leases (session_id, owner, acquired_at_ms, expires_at_ms) "
                                + "VALUES ('shared', ?, 0, 0)",
                            arguments: ["contender-\(index)"])
                    }) != nil
                }
            }
            var wins = 0
            for await won in group where won { wins += 1 }
            return wins
        }
        #expect(outcomes == 1)
        #expect(try await count(database, owner: "contender-") == 1)
    }
}
