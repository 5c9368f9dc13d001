import Foundation
import MeerkatCore
import MeerkatRuntime
import Testing

@testable import MeerkatSQLite

/// Damaged or unusable realms fail with typed errors that name the path, never with a crash.
@Suite struct RealmErrorTests {
    let id = try! RealmID("broken")

    /// A realm with some data, closed so its WAL is checkpointed into `realm.sqlite3`.
    private func closedRealm() async throws -> (TemporaryDirectory, URL) {
        let root = try TemporaryDirectory()
        let realm = try Realm.open(stateRoot: root.url, realmID: id)
        for index in 0..<40 {
            try await realm.sessionStore.save(Transcript.session(count: 10, updated: index))
        }
        try realm.close()
        let file = root.appending("broken/realm.sqlite3")
        let wal = try? FileManager.default.attributesOfItem(atPath: file.path + "-wal")[.size] as? Int
        #expect((wal ?? 0) == 0)
        return (root, file)
    }

    @Test func aDatabaseWithAGarbageHeaderIsCorrupt() async throws {
        let (root, file) = try await closedRealm()
        let handle = try FileHandle(forWritingTo: file)
        try handle.write(contentsOf: Data(repeating: 0x5A, count: 100))
        try handle.close()
        #expect(throws: RealmError.corrupt(path: file.path, detail: "not a SQLite database (bad header)")) {
            try Realm.open(stateRoot: root.url, realmID: id)
        }
    }

    @Test func aTextFileIsNotADatabase() throws {
        let root = try TemporaryDirectory()
        try FileManager.default.createDirectory(at: root.appending("broken"), withIntermediateDirectories: true)
        let file = root.appending("broken/realm.sqlite3")
        try Data("just some notes, not a database\n".utf8).write(to: file)
        let error = #expect(throws: RealmError.self) { try Realm.open(stateRoot: root.url, realmID: id) }
        guard case .corrupt(let path, let detail) = error else {
            Issue.record("expected corrupt, got \(String(describing: error))")
            return
        }
        #expect(path == file.path)
        #expect(detail.contains("100-byte SQLite header"))
        #expect(error?.description.contains(file.path) == true)
    }

    @Test func aTruncatedDatabaseIsCorrupt() async throws {
        let (root, file) = try await closedRealm()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int)
        let handle = try FileHandle(forWritingTo: file)
        try handle.truncate(atOffset: UInt64(size / 2))
        try handle.close()
        let error = #expect(throws: RealmError.self) { try Realm.open(stateRoot: root.url, realmID: id) }
        guard case .corrupt(let path, let detail) = error else {
            Issue.record("expected corrupt, got \(String(describing: error))")
            return
        }
        #expect(path == file.path)
        #expect(detail.hasPrefix("truncated"))
    }

    @Test func damagedPagesAreFoundByTheIntegrityCheck() async throws {
        let (root, file) = try await closedRealm()
        // Overwrite the middle of the file (b-tree pages, the header intact) with garbage.
        let size = try #require(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int)
        let handle = try FileHandle(forWritingTo: file)
        try handle.seek(toOffset: UInt64(4096 * 2))
        try handle.write(contentsOf: Data(repeating: 0xA5, count: size - 4096 * 4))
        try handle.close()
        let error: RealmError? = #expect(throws: RealmError.self) {
            let realm = try Realm.open(stateRoot: root.url, realmID: id)
            try realm.database?.checkIntegrity()
        }
        guard case .corrupt(let path, _) = error else {
            Issue.record("expected corrupt, got \(String(describing: error))")
            return
        }
        #expect(path == file.path)
    }

    @Test func anOperationOnADamagedDatabaseIsATypedStoreError() async throws {
        let root = try TemporaryDirectory()
        let realm = try Realm.open(stateRoot: root.url, realmID: id)
        let session = Transcript.session(count: 200)
        try await realm.sessionStore.save(session)
        try realm.close()
        let file = root.appending("broken/realm.sqlite3")
        #expect(((try? FileManager.default.attributesOfItem(atPath: file.path + "-wal")[.size] as? Int) ?? 0) == 0)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int)
        let handle = try FileHandle(forWritingTo: file)
        try handle.seek(toOffset: UInt64(size - 4096 * 3))
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 4096 * 3))
        try handle.close()
        // Opening may or may not touch the damaged pages; reading the session must.
        let reopened: Realm
        do {
            reopened = try Realm.open(stateRoot: root.url, realmID: id)
        } catch {
            guard case .corrupt(let path, _) = error else {
                Issue.record("expected corrupt, got \(error)")
                return
            }
            #expect(path == file.path)
            return
        }
        let error = await #expect(throws: SessionStoreError.self) { try await reopened.sessionStore.load(session.id) }
        guard case .corrupt(let message) = error else {
            Issue.record("expected corrupt, got \(String(describing: error))")
            return
        }
        #expect(message.contains(file.path))
    }

    @Test func aMissingOrEmptiedDatabaseIsNotSilentlyRecreated() async throws {
        let (root, file) = try await closedRealm()
        try Data().write(to: file)
        #expect(
            throws: RealmError.corrupt(
                path: file.path,
                detail:
                    "the database file is empty but the manifest records schema version \(RealmSchema.currentVersion)")
        ) {
            try Realm.open(stateRoot: root.url, realmID: id)
        }
        try FileManager.default.removeItem(at: file)
        #expect(
            throws: RealmError.corrupt(
                path: file.path,
                detail:
                    "the database file is missing but the manifest records schema version \(RealmSchema.currentVersion)"
            )
        ) {
            try Realm.open(stateRoot: root.url, realmID: id)
        }
    }

    @Test func aStateRootUnderARegularFileIsAnIOError() throws {
        let root = try TemporaryDirectory()
        let blocker = root.appending("not-a-folder")
        try Data("x".utf8).write(to: blocker)
        let stateRoot = blocker.appendingPathComponent("realms")
        let error = #expect(throws: RealmError.self) { try Realm.open(stateRoot: stateRoot, realmID: id) }
        guard case .io(let path, let detail) = error else {
            Issue.record("expected io, got \(String(describing: error))")
            return
        }
        #expect(path == blocker.path)
        #expect(detail.contains("is not a directory"))
    }

    @Test func aRealmFolderThatIsAFileOrADatabaseThatIsAFolderIsAnIOError() throws {
        let root = try TemporaryDirectory()
        try Data("x".utf8).write(to: root.appending("broken"))
        #expect(throws: RealmError.io(path: root.appending("broken").path, detail: "exists and is not a directory")) {
            try Realm.open(stateRoot: root.url, realmID: id)
        }
        let other = try TemporaryDirectory()
        try FileManager.default.createDirectory(
            at: other.appending("broken/realm.sqlite3"), withIntermediateDirectories: true)
        #expect(
            throws: RealmError.io(
                path: other.appending("broken/realm.sqlite3").path, detail: "is a directory, expected a database file")
        ) {
            try Realm.open(stateRoot: other.url, realmID: id)
        }
    }

    /// Permission bits do not bind root (the test user here), so this runs only for an unprivileged user; the
    /// root-proof variants above cover the same code path (`RealmError.io` naming the path).
    @Test(.enabled(if: geteuid() != 0, "permission bits do not apply to root"))
    func aRealmFolderWithoutPermissionsIsAnIOError() throws {
        let root = try TemporaryDirectory()
        let folder = root.appending("broken")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: folder.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder.path) }
        let error = #expect(throws: RealmError.self) { try Realm.open(stateRoot: root.url, realmID: id) }
        guard case .io(let path, let detail) = error else {
            Issue.record("expected io, got \(String(describing: error))")
            return
        }
        #expect(path == folder.path)
        #expect(detail.contains("permission denied"))
    }

    @Test func manifestsWithAnUnknownBackendOrGarbageAreRefused() throws {
        let root = try TemporaryDirectory()
        let folder = root.appending("broken")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let manifest = folder.appendingPathComponent("realm_manifest.json")
        try Data(
            #"{"backend":"jsonl","created_at":"2026-01-01T00:00:00.000Z","realm_id":"broken","schema_version":1}"#.utf8
        ).write(to: manifest)
        #expect(throws: RealmError.unknownBackend(path: manifest.path, backend: "jsonl")) {
            try Realm.open(stateRoot: root.url, realmID: id)
        }
        #expect(
            RealmError.unknownBackend(path: manifest.path, backend: "jsonl").description
                == "realm manifest \(manifest.path) names unknown backend 'jsonl' (known: [\"sqlite\", \"memory\"])")
        try Data("{not json".utf8).write(to: manifest)
        let error = #expect(throws: RealmError.self) { try Realm.open(stateRoot: root.url, realmID: id) }
        guard case .unreadableManifest(let path, _) = error else {
            Issue.record("expected unreadableManifest, got \(String(describing: error))")
            return
        }
        #expect(path == manifest.path)
    }
}
