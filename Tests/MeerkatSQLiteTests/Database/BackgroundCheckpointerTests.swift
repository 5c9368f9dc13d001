import Foundation
import GRDB
import Testing

@testable import MeerkatSQLite

/// The WAL is copied back into the database file in the background, every `BackgroundCheckpointer.interval` commits,
/// not inside a writer's `COMMIT`.
struct BackgroundCheckpointerTests {
    private func insert(_ database: RealmDatabase, _ index: Int) async throws {
        try await database.write { db in
            try db.execute(
                sql:
                    "INSERT INTO session_leases (session_id, owner, acquired_at_ms, expires_at_ms) VALUES (?, ?, 0, 0)",
                arguments: ["s\(index)", "writer"])
        }
    }

    @Test func everyIntervalCommitsTheWALIsCheckpointedOffTheWritersPath() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.appending("checkpoint.sqlite3").path
        let database = try RealmDatabase.open(path: path, blobs: BlobStore(directory: directory.appending("blobs")))
        // The writer's own automatic checkpoint is only the safety net.
        let threshold = try await database.write { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
        #expect(threshold == BackgroundCheckpointer.safetyNetPages)
        await database.checkpointer.idle()
        let before = database.checkpointer.completedCount
        for index in 0..<(BackgroundCheckpointer.interval * 2) { try await insert(database, index) }
        await database.checkpointer.idle()
        #expect(database.checkpointer.completedCount > before)
        // Closing stops the checkpointer first, so the final truncating checkpoint leaves a self-contained file.
        try database.close()
        #expect((try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0 == 0)
        let reopened = try RealmDatabase.open(path: path, blobs: BlobStore(directory: directory.appending("blobs")))
        defer { try? reopened.close() }
        let rows = try await reopened.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM session_leases") }
        #expect(rows == BackgroundCheckpointer.interval * 2)
    }
}
