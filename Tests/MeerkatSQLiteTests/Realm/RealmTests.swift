import Foundation
import MeerkatCore
import MeerkatRuntime
import Testing

@testable import MeerkatSQLite

@Suite struct RealmTests {
    @Test func realmIDsFollowTheNamingRules() throws {
        for valid in ["a", "ws-0123abcd", "team_Alpha-2", String(repeating: "x", count: 64)] {
            #expect(try RealmID(valid).rawValue == valid)
        }
        let invalid = [
            "", String(repeating: "x", count: 65), "has space", "slash/es", "dot.ted", "ünicode",
            "0198f5a2-7c1e-7d3b-9a4f-2b6c8d0e1f23", "0198F5A27C1E7D3B9A4F2B6C8D0E1F23",
        ]
        for text in invalid {
            #expect(throws: RealmError.self) { try RealmID(text) }
        }
        #expect(RealmID.problem("0198f5a2-7c1e-7d3b-9a4f-2b6c8d0e1f23")?.contains("UUID") == true)
    }

    @Test func openingCreatesTheLayoutAndPinsTheBackend() throws {
        let root = try TemporaryDirectory()
        let realm = try Realm.open(stateRoot: root.url, realmID: try RealmID("alpha"))
        let folder = root.appending("alpha")
        #expect(realm.directory.path == folder.path)
        #expect(realm.manifest.backend == .sqlite)
        #expect(realm.manifest.schemaVersion == RealmSchema.currentVersion)
        for file in ["realm_manifest.json", "realm.sqlite3", "config.toml"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(file)")
        }
        var isDirectory: ObjCBool = false
        #expect(
            FileManager.default.fileExists(
                atPath: folder.appendingPathComponent("blobs").path, isDirectory: &isDirectory))
        #expect(isDirectory.boolValue)
        let manifest = try RealmManifest.decode(
            Data(contentsOf: folder.appendingPathComponent("realm_manifest.json")), path: "manifest")
        #expect(manifest == realm.manifest)
        let journalMode = try realm.database?.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journalMode == "wal")
        // config.toml is left alone once it exists.
        try Data("model = \"x\"\n".utf8).write(to: realm.configURL)
        try realm.close()
        let again = try Realm.open(stateRoot: root.url, realmID: try RealmID("alpha"), backend: .sqlite)
        #expect(try String(contentsOf: again.configURL, encoding: .utf8) == "model = \"x\"\n")
        #expect(again.manifest == realm.manifest)
    }

    @Test func aPinnedBackendCannotBeSwapped() throws {
        let root = try TemporaryDirectory()
        let id = try RealmID("pinned")
        let memory = try Realm.open(stateRoot: root.url, realmID: id, backend: .memory)
        #expect(memory.database == nil)
        #expect(memory.sessionStore is InMemorySessionStore)
        #expect(memory.runtimeStore is InMemoryRuntimeStore)
        #expect(!FileManager.default.fileExists(atPath: root.appending("pinned/realm.sqlite3").path))
        #expect(
            throws: RealmError.backendMismatch(path: root.appending("pinned").path, pinned: .memory, requested: .sqlite)
        ) {
            try Realm.open(stateRoot: root.url, realmID: id, backend: .sqlite)
        }
        #expect(try Realm.open(stateRoot: root.url, realmID: id).manifest.backend == .memory)
    }

    @Test func aManifestOfAnotherRealmIsRefused() throws {
        let root = try TemporaryDirectory()
        _ = try Realm.open(stateRoot: root.url, realmID: try RealmID("original"), backend: .memory)
        try FileManager.default.moveItem(at: root.appending("original"), to: root.appending("renamed"))
        #expect(
            throws: RealmError.realmIDMismatch(
                path: root.appending("renamed/realm_manifest.json").path, manifest: "original", requested: "renamed")
        ) {
            try Realm.open(stateRoot: root.url, realmID: try RealmID("renamed"))
        }
    }

    @Test func defaultLocationUsesTheNearestProjectAndAStableID() throws {
        let root = try TemporaryDirectory()
        let project = root.appending("project")
        let nested = project.appendingPathComponent("src/module")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: project.appendingPathComponent(".skat"), withIntermediateDirectories: true)
        let canonicalProject = RealmLocation.canonical(project)
        #expect(RealmLocation.projectRoot(from: nested).path == canonicalProject.path)
        #expect(
            RealmLocation.defaultStateRoot(currentDirectory: nested).path
                == canonicalProject.appendingPathComponent(".skat/realms").path)
        // Without any `.skat` above it, a folder is its own project.
        let loose = root.appending("loose")
        try FileManager.default.createDirectory(at: loose, withIntermediateDirectories: true)
        #expect(RealmLocation.projectRoot(from: loose).path == RealmLocation.canonical(loose).path)

        let id = RealmLocation.defaultRealmID(currentDirectory: nested)
        #expect(id.rawValue.hasPrefix("ws-"))
        #expect(id.rawValue.count == 15)
        #expect(RealmLocation.defaultRealmID(currentDirectory: nested) == id)
        // Another spelling of the same folder gives the same id; another folder a different one.
        let dotted = URL(fileURLWithPath: nested.path + "/../module/.")
        #expect(RealmLocation.defaultRealmID(currentDirectory: dotted) == id)
        let link = root.appending("link")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: nested)
        #expect(RealmLocation.defaultRealmID(currentDirectory: link) == id)
        #expect(RealmLocation.defaultRealmID(currentDirectory: project) != id)

        let realm = try Realm.openDefault(currentDirectory: nested)
        #expect(realm.directory.path == canonicalProject.appendingPathComponent(".skat/realms/\(id.rawValue)").path)
    }

    @Test func bothStoresShareOneDatabase() async throws {
        let root = try TemporaryDirectory()
        let realm = try Realm.open(stateRoot: root.url, realmID: try RealmID("shared"))
        let session = Transcript.session(count: 2)
        try await realm.runtimeStore.atomicApply(.session(session.id), BoundaryCommit(session: session))
        #expect(try await realm.sessionStore.load(session.id) == session)
        var longer = session
        longer.messages.append(Transcript.user("next", at: 5))
        try await realm.sessionStore.save(longer)
        #expect(try await realm.runtimeStore.loadSession(session.id) == longer)
    }
}
