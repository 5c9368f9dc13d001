import Foundation
import GRDB
import MeerkatCore
import MeerkatRuntime

@testable import MeerkatSQLite

/// The content of `Fixtures/realm-v1`: a realm written with schema version 1 only. The values are fixed so the
/// migration test can rebuild what it expects to read back.
enum FixtureRealm {
    static let realmID = try! RealmID("fixture-v1")
    static let sessionID = SessionID("0190a000-0000-7000-8000-000000000001")!
    static let runID = RunID("0190a000-0000-7000-8000-0000000000a1")!
    static let image = Data((0..<64).map { UInt8($0) })

    /// The committed folder.
    static func folder(file: StaticString = #filePath) -> URL {
        URL(fileURLWithPath: "\(file)").deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/realm-v1")
    }

    static var session: Session {
        let inline = ContentBlock.image(mediaType: "image/png", source: .inline(data: image.base64EncodedString()))
        return Session(
            id: sessionID,
            messages: [
                .user(
                    content: [.text("what is in this picture?"), inline], transcriptRole: .conversational,
                    createdAt: instant(1)),
                Transcript.toolCall("call-1", at: 2),
                Transcript.toolResult("call-1", at: 3),
                Transcript.assistant("a gradient", at: 4),
            ],
            metadata: ["labels": ["team": "core"], "model": "fixture-model"],
            usage: Usage(inputTokens: 120, outputTokens: 30, cacheReadTokens: 7), createdAt: instant(0),
            updatedAt: instant(4))
    }

    /// The session as `load` returns it (the image as a blob reference).
    static var storedSession: Session {
        var stored = session
        stored.messages = stored.messages.map { try! MessageImages.externalised($0, store: nil) }
        return stored
    }

    static var runtimeID: LogicalRuntimeID { .session(sessionID) }

    static var consumed: StoredInputState {
        let input = Input.prompt(
            PromptInput(
                header: InputHeader(
                    id: InputID("0190a000-0000-7000-8000-0000000000b1")!, timestamp: instant(0),
                    idempotencyKey: "fixture-key"),
                content: .text("what is in this picture?")))
        return Rows.consumed(Rows.row(input, .queued(lane: .queue, admissionSequence: 1)), run: runID)
    }

    static var queued: StoredInputState {
        let input = Input.prompt(
            PromptInput(
                header: InputHeader(id: InputID("0190a000-0000-7000-8000-0000000000b2")!, timestamp: instant(0)),
                content: .text("and now?")))
        return Rows.row(input, .queued(lane: .queue, admissionSequence: 2))
    }

    static var receipt: RunBoundaryReceipt {
        Rows.receipt(run: runID, sequence: 1, inputs: [consumed.inputID], messages: 4)
    }

    static var lifecycle: RuntimeLifecycleRow { RuntimeLifecycleRow(state: .idle, updatedAt: instant(5)) }

    /// Writes the fixture with the v1 migration only, 1 KiB pages (to keep it small) and WAL mode, checkpointed.
    static func write(to folder: URL) throws {
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try RealmManifest(realmID: realmID, backend: .sqlite, schemaVersion: 1, createdAt: instant(0)).encoded()
            .write(to: folder.appendingPathComponent(Realm.manifestFileName))
        try Data().write(to: folder.appendingPathComponent("config.toml"))
        let blobs = BlobStore(directory: folder.appendingPathComponent("blobs"))
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA page_size = 1024") }
        let queue = try DatabaseQueue(
            path: folder.appendingPathComponent(Realm.databaseFileName).path, configuration: configuration)
        try RealmSchema.migrator.migrate(queue, upTo: "v1")
        try queue.write { db in
            // The v1 session layout (no run_id column yet), written with the store's own encoding and digests.
            let encoder = WireJSON.encoder()
            var digest = SessionRows.emptyDigest
            var rows: [(Int, String, String, String)] = []
            for (index, message) in session.messages.enumerated() {
                let body = try SessionRows.body(message, store: blobs)
                digest = SessionRows.chain(digest, body)
                rows.append((index, message.role, body, digest))
            }
            try db.execute(
                sql: """
                    INSERT INTO sessions (id, created_at, updated_at, metadata, usage, total_tokens, message_count,
                        head_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    sessionID.description, WireJSON.formatDate(session.createdAt),
                    WireJSON.formatDate(session.updatedAt),
                    String(decoding: try encoder.encode(session.metadata), as: UTF8.self),
                    String(decoding: try encoder.encode(session.usage), as: UTF8.self), session.usage.totalTokens,
                    session.messages.count, digest,
                ])
            for (index, role, body, chain) in rows {
                try db.execute(
                    sql:
                        "INSERT INTO session_messages (session_id, seq, role, body, chain_digest) VALUES (?, ?, ?, ?, ?)",
                    arguments: [sessionID.description, index, role, body, chain])
            }
            try db.execute(
                sql: "INSERT INTO session_labels (session_id, key, value) VALUES (?, 'team', 'core')",
                arguments: [sessionID.description])
            for row in [consumed, queued] {
                try InputRows.upsert(db, runtimeID, InputRows.Encoded(row))
            }
            try InputRows.insertReceipt(
                db, runtimeID, receipt, json: String(decoding: try encoder.encode(receipt), as: UTF8.self))
            try InputRows.saveLifecycle(db, runtimeID, lifecycle)
        }
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "VACUUM")
            try db.execute(sql: "PRAGMA journal_mode = WAL")
        }
        try queue.close()
        try? FileManager.default.removeItem(at: folder.appendingPathComponent("blobs/tmp"))
    }
}
