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
