import Foundation
import GRDB
import MeerkatCore
import MeerkatRuntime
import Testing

@testable import MeerkatSQLite

/// Behaviour specific to the SQLite session store: row-per-message storage, image externalisation, digests.
@Suite struct SQLiteSessionStoreTests {
    let root: TemporaryDirectory
    let realm: Realm
    let database: RealmDatabase

    init() throws {
        root = try TemporaryDirectory()
        realm = try Realm.open(stateRoot: root.url, realmID: try RealmID("sessions"))
        database = try #require(realm.database)
    }

    private func reopen() throws -> Realm {
        try Realm.open(stateRoot: root.url, realmID: realm.id)
    }

    private func messageRows(_ id: SessionID) throws -> [Row] {
        try database.pool.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT seq, role, body, chain_digest, run_id FROM session_messages WHERE session_id = ? ORDER BY seq",
                arguments: [id.description])
        }
    }

    @Test func eachMessageIsOneRowAndAppendsInsertOnlyNewRows() async throws {
        var session = Transcript.session(count: 3)
        try await realm.sessionStore.save(session)
        let before = try messageRows(session.id)
        #expect(before.map { $0["seq"] as Int } == [0, 1, 2])
        #expect(before.map { $0["role"] as String } == ["user", "block_assistant", "user"])
        session.messages.append(Transcript.assistant("four", at: 3))
        try await realm.sessionStore.save(session)
        let after = try messageRows(session.id)
        #expect(after.count == 4)
        // Committed rows are untouched; the new row chains onto the last digest.
        #expect(Array(after.prefix(3)) == before)
        let body: String = after[3]["body"]
        #expect(after[3]["chain_digest"] as String == SessionRows.chain(before[2]["chain_digest"], body))
        let id = session.id
        let head = try await database.pool.read { db in try SessionRows.head(db, id) }
        #expect(head?.digest == after[3]["chain_digest"])
        #expect(head?.messageCount == 4)
    }

    @Test func aColdStoreAcceptsAnAppendWhoseDatesWereFinerThanMilliseconds() async throws {
        // The runtime keeps messages with full-precision dates; the stored form keeps milliseconds. A store that
        // never saw the original values (a restart) must still recognise them as the committed prefix.
        let precise = Date(timeIntervalSince1970: 1_700_000_000.123_456_7)
        var session = Session(
            messages: [.user(content: [.text("hi")], transcriptRole: .conversational, createdAt: precise)],
            createdAt: precise)
        try await realm.sessionStore.save(session)
        let cold = try reopen()
        session.messages.append(
            .assistant(blocks: [.text(text: "hello", meta: nil)], stopReason: .endTurn, createdAt: precise))
        try await cold.sessionStore.save(session)
        #expect(try await cold.sessionStore.load(session.id)?.messages.count == 2)
    }

    @Test func inlineImagesAreStoredAsBlobsAndLoadAsReferences() async throws {
        let png = Data((0..<2048).map { UInt8($0 % 256) })
        let inline = ContentBlock.image(mediaType: "image/png", source: .inline(data: png.base64EncodedString()))
        let notice = Message.systemNotice(kind: .generic, blocks: [inline], createdAt: instant(2))
        let result = Message.toolResults(
            results: [ToolResult(toolUseID: "t", content: [.text("screenshot"), inline])], createdAt: instant(3))
        var session = Session(
            messages: [
                .user(content: [.text("look"), inline], transcriptRole: .conversational, createdAt: instant(1)),
                notice, result,
            ],
            createdAt: instant(0))
        try await realm.sessionStore.save(session)
        let blobID = BlobStore.id(for: png)
        #expect(try realm.blobs.get(blobID) == png)
        // Stored once, referenced three times; no base64 in the rows.
        let bodies = try messageRows(session.id).map { $0["body"] as String }
        #expect(bodies.allSatisfy { !$0.contains(png.base64EncodedString()) && $0.contains(blobID) })
        let loaded = try #require(try await realm.sessionStore.load(session.id))
        let reference = ContentBlock.image(mediaType: "image/png", source: .blob(blobID: blobID))
        guard case .user(let content, _, _) = loaded.messages[0] else {
            Issue.record("expected a user message")
            return
        }
        #expect(content == [.text("look"), reference])
        guard case .toolResults(let results, _) = loaded.messages[2] else {
            Issue.record("expected tool results")
            return
        }
        #expect(results[0].content == [.text("screenshot"), reference])
        // Both the original (inline) prefix and the loaded (blob) prefix count as the committed transcript,
        // with a warm cache and with a cold one.
        session.messages.append(Transcript.assistant("nice", at: 4))
        try await realm.sessionStore.save(session)
        var fromLoad = loaded
        fromLoad.messages += [Transcript.assistant("nice", at: 4), Transcript.user("again", at: 5)]
        try await reopen().sessionStore.save(fromLoad)
        session.messages.append(Transcript.user("again", at: 5))
        session.messages.append(Transcript.assistant("done", at: 6))
        try await reopen().sessionStore.save(session)
        #expect(try await realm.sessionStore.load(session.id)?.messages.count == 6)
    }

    @Test func undecodableBase64StaysInline() async throws {
        let broken = ContentBlock.image(mediaType: "image/png", source: .inline(data: "***not base64***"))
        let session = Session(
            messages: [.user(content: [broken], transcriptRole: .conversational, createdAt: instant(1))],
            createdAt: instant(0))
        try await realm.sessionStore.save(session)
        #expect(try await realm.sessionStore.load(session.id) == session)
    }

    @Test func boundaryCommitsTagNewMessagesWithTheirRun() async throws {
        var session = Transcript.session(count: 2)
        try await realm.sessionStore.save(session)
        let run = RunID()
        session.messages += [Transcript.toolCall("t1", at: 2), Transcript.toolResult("t1", at: 3)]
        try await realm.runtimeStore.atomicApply(
            .session(session.id), BoundaryCommit(receipt: Rows.receipt(run: run, sequence: 1), session: session))
        let runs = try messageRows(session.id).map { $0["run_id"] as String? }
        #expect(runs == [nil, nil, run.description, run.description])
    }

    @Test func aStaleCacheNeverHidesAnotherWritersAppend() async throws {
        var session = Transcript.session(count: 2)
        try await realm.sessionStore.save(session)
        // Another process (here: another pool) appends; this store's cache still holds two messages.
        var theirs = session
        theirs.messages.append(Transcript.user("theirs", at: 5))
        try await reopen().sessionStore.save(theirs)
        session.messages.append(Transcript.user("mine", at: 5))
        await #expect(throws: SessionStoreError.nonAppendOnly(session.id, "message 2 differs from the committed one")) {
            try await realm.sessionStore.save(session)
        }
        session.messages.removeLast()
        await #expect(throws: SessionStoreError.nonAppendOnly(session.id, "3 committed messages, save has 2")) {
            try await realm.sessionStore.save(session)
        }
        #expect(try await realm.sessionStore.load(session.id) == theirs)
    }

    @Test func usageAndMetadataAreStoredAsColumnsAndJSON() async throws {
        var session = Transcript.session(count: 1, labels: ["a": "1"])
        session.metadata["nested"] = ["k": [1, 2, true, nil]]
        session.usage = Usage(inputTokens: 3, outputTokens: 4, cacheCreationTokens: nil, cacheReadTokens: 5)
        try await realm.sessionStore.save(session)
        let row = try database.pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT total_tokens, message_count, archived FROM sessions WHERE id = ?",
                arguments: [session.id.description])
        }
        #expect(row?["total_tokens"] == 12)
        #expect(row?["message_count"] == 1)
        #expect(row?["archived"] == 0)
        #expect(try await reopen().sessionStore.load(session.id) == session)
    }
}
