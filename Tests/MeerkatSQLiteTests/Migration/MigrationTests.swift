import Foundation
import GRDB
import MeerkatCore
import MeerkatRuntime
import Testing

@testable import MeerkatSQLite

@Suite struct MigrationTests {
    /// Regenerates `Fixtures/realm-v1` (run once with `MEERKAT_WRITE_FIXTURES=1`; the result is committed).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MEERKAT_WRITE_FIXTURES"] == "1"))
    func writeRealmV1Fixture() throws {
        try FixtureRealm.write(to: FixtureRealm.folder())
    }

    /// A copy of the committed fixture in a temporary state root (tests never modify the committed files).
    private func fixtureCopy() throws -> TemporaryDirectory {
        let root = try TemporaryDirectory()
        try FileManager.default.copyItem(
            at: FixtureRealm.folder(), to: root.appending(FixtureRealm.realmID.rawValue))
        return root
    }

    @Test func theFixtureIsAVersion1Realm() throws {
        let folder = FixtureRealm.folder()
        let manifest = try RealmManifest.decode(
            Data(contentsOf: folder.appendingPathComponent(Realm.manifestFileName)), path: "fixture")
        #expect(manifest.schemaVersion == 1)
        let queue = try DatabaseQueue(
            path: folder.appendingPathComponent(Realm.databaseFileName).path,
            configuration: {
                var c = Configuration(); c.readonly = true; return c
            }())
        let applied = try queue.read { db in try RealmSchema.migrator.appliedIdentifiers(db) }
        #expect(applied == ["v1"])
        try queue.close()
    }

    @Test func openingAVersion1RealmMigratesItWithItsDataIntact() async throws {
        let root = try fixtureCopy()
        let realm = try Realm.open(stateRoot: root.url, realmID: FixtureRealm.realmID)
        let database = try #require(realm.database)
        #expect(realm.manifest.schemaVersion == RealmSchema.currentVersion)
        #expect(try database.schemaVersion() == RealmSchema.currentVersion)
        let onDisk = try RealmManifest.decode(
            Data(contentsOf: realm.directory.appendingPathComponent(Realm.manifestFileName)), path: "manifest")
        #expect(onDisk.schemaVersion == RealmSchema.currentVersion)
        let columns = try await database.pool.read { db in try db.columns(in: "session_messages").map(\.name) }
        #expect(columns.contains("run_id"))
        #expect(
            try await database.pool.read { db in try db.indexes(on: "runtime_inputs").map(\.name) }.contains(
                "runtime_inputs_by_run"))

        // Sessions, blobs, runtime rows, the idempotency index, receipts and lifecycle all read back.
        #expect(try await realm.sessionStore.load(FixtureRealm.sessionID) == FixtureRealm.storedSession)
        #expect(try realm.blobs.get(BlobStore.id(for: FixtureRealm.image)) == FixtureRealm.image)
        #expect(
            try await realm.sessionStore.list(SessionQuery(labels: ["team": "core"])).map(\.id) == [
                FixtureRealm.sessionID
            ])
        let store = realm.runtimeStore
        #expect(
            Set(try await store.loadInputs(FixtureRealm.runtimeID)) == [FixtureRealm.consumed, FixtureRealm.queued])
        #expect(
            try await store.loadInput(FixtureRealm.runtimeID, idempotencyKey: "fixture-key") == FixtureRealm.consumed)
        #expect(try await store.loadReceipts(FixtureRealm.runtimeID) == [FixtureRealm.receipt])
        #expect(try await store.loadLifecycle(FixtureRealm.runtimeID) == FixtureRealm.lifecycle)

        // The migrated transcript keeps growing: the v1 digest chain continues and new rows get their run id.
        var session = FixtureRealm.session
        session.messages.append(Transcript.user("and now?", at: 6))
        let run = RunID()
        try await store.atomicApply(
            FixtureRealm.runtimeID, BoundaryCommit(receipt: Rows.receipt(run: run, sequence: 1), session: session))
        let runs = try await database.pool.read { db in
            try String?.fetchAll(
                db, sql: "SELECT run_id FROM session_messages WHERE session_id = ? ORDER BY seq",
                arguments: [FixtureRealm.sessionID.description])
        }
        #expect(runs == [nil, nil, nil, nil, run.description])

        // Reopening an up-to-date realm migrates nothing.
        try realm.close()
        let again = try Realm.open(stateRoot: root.url, realmID: FixtureRealm.realmID)
        #expect(try await again.sessionStore.load(FixtureRealm.sessionID)?.messages.count == 5)
    }

    @Test func version6ChangesThreeTableLayoutsAndKeepsEveryRow() throws {
        let root = try TemporaryDirectory()
        let queue = try DatabaseQueue(path: root.appending("realm.sqlite3").path)
        try RealmSchema.migrator.migrate(queue, upTo: "v5")
        let big = String(repeating: "x", count: 2_500)  // more than a WITHOUT ROWID page keeps in place
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO runtime_inputs VALUES ('rt', 'in-1', 'queued', 'key', 1, NULL, 't1', ?);
                    INSERT INTO runtime_inputs VALUES ('rt', 'in-2', 'consumed', NULL, NULL, 'run-1', 't2', '{}');
                    INSERT INTO session_leases VALUES ('s1', 'host:1:abcd', 10, 20);
                    INSERT INTO runtime_lifecycle VALUES ('rt', '{"state":"idle"}', 't3');
                    """, arguments: [big])
        }
        func rows(_ table: String) throws -> [Row] {
            try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1, 2") }
        }
        let before = try ["runtime_inputs", "session_leases", "runtime_lifecycle"].map(rows)

        try RealmSchema.migrator.migrate(queue)

        #expect(try ["runtime_inputs", "session_leases", "runtime_lifecycle"].map(rows) == before)
        let layouts = try queue.read { db in
            try Dictionary(
                uniqueKeysWithValues: Row.fetchAll(
                    db, sql: "SELECT name, sql FROM sqlite_schema WHERE type = 'table'"
                ).map { row -> (String, String) in (row["name"], row["sql"]) })
        }
        #expect(layouts["runtime_inputs"]?.contains("WITHOUT ROWID") == false)
        #expect(layouts["session_leases"]?.contains("WITHOUT ROWID") == true)
        #expect(layouts["runtime_lifecycle"]?.contains("WITHOUT ROWID") == true)
        #expect(!layouts.keys.contains { $0.hasSuffix("_v6") })
        #expect(
            try queue.read { db in try db.indexes(on: "runtime_inputs").map(\.name) }.contains("runtime_inputs_by_run"))
        // The keys still conflict as before: the stores' upserts update in place.
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO runtime_inputs VALUES ('rt', 'in-1', 'staged', 'key', 1, 'run-2', 't4', '{}')
                    ON CONFLICT(runtime_id, input_id) DO UPDATE SET phase = excluded.phase;
                    INSERT INTO runtime_lifecycle VALUES ('rt', '{"state":"running"}', 't5')
                    ON CONFLICT(runtime_id) DO UPDATE SET row_json = excluded.row_json;
                    """)
        }
        #expect(try rows("runtime_inputs").map { $0["phase"] as String } == ["staged", "consumed"])
        #expect(try rows("runtime_lifecycle").map { $0["row_json"] as String } == [#"{"state":"running"}"#])
        #expect(throws: DatabaseError.self) {
            try queue.write { db in try db.execute(sql: "INSERT INTO session_leases VALUES ('s1', 'other', 1, 2)") }
        }
        try queue.close()
    }

    @Test func aManifestNewerThanTheBinaryIsRefusedBeforeTouchingTheDatabase() throws {
        let root = try fixtureCopy()
        let folder = root.appending(FixtureRealm.realmID.rawValue)
        let manifestURL = folder.appendingPathComponent(Realm.manifestFileName)
        var manifest = try RealmManifest.decode(Data(contentsOf: manifestURL), path: "manifest")
        manifest.schemaVersion = RealmSchema.currentVersion + 1
        try manifest.encoded().write(to: manifestURL)
        let databasePath = folder.appendingPathComponent(Realm.databaseFileName).path
        #expect(
            throws: RealmError.schemaTooNew(
                path: databasePath, found: RealmSchema.currentVersion + 1, supported: RealmSchema.currentVersion)
        ) {
            try Realm.open(stateRoot: root.url, realmID: FixtureRealm.realmID)
        }
        #expect(
            RealmError.schemaTooNew(path: databasePath, found: 3, supported: 2).description
                == "realm \(databasePath) has schema version 3, newer than this binary supports (2); upgrade Meerkat to open it"
        )
    }

    @Test func aDatabaseWithAnUnknownMigrationIsRefused() throws {
        let root = try TemporaryDirectory()
        let id = try RealmID("future")
        try Realm.open(stateRoot: root.url, realmID: id).close()
        let path = root.appending("future/realm.sqlite3").path
        // A newer binary applied a migration this one does not know (its manifest update is not even needed).
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v\(RealmSchema.currentVersion + 1)')")
        }
        try queue.close()
        #expect(
            throws: RealmError.schemaTooNew(
                path: path, found: RealmSchema.currentVersion + 1, supported: RealmSchema.currentVersion)
        ) {
            try Realm.open(stateRoot: root.url, realmID: id)
        }
    }
}
