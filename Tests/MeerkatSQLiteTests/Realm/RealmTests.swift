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
        #expect(memory.sessionStore is InMemoryRuntimeStore)
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
        // The temporary folder is the ceiling: a `.skat` above it (in the machine's temp folder) cannot interfere.
        let ceilings = [RealmLocation.canonical(root.url)]
        let project = root.appending("project")
        let nested = project.appendingPathComponent("src/module")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: project.appendingPathComponent(".skat"), withIntermediateDirectories: true)
        let canonicalProject = RealmLocation.canonical(project)
        #expect(RealmLocation.projectRoot(from: nested, ceilings: ceilings).path == canonicalProject.path)
        #expect(
            RealmLocation.defaultStateRoot(currentDirectory: nested, ceilings: ceilings).path
                == canonicalProject.appendingPathComponent(".skat/realms").path)
        // Without any marker above it, a folder is its own project.
        let loose = root.appending("loose")
        try FileManager.default.createDirectory(at: loose, withIntermediateDirectories: true)
        #expect(RealmLocation.projectRoot(from: loose, ceilings: ceilings).path == RealmLocation.canonical(loose).path)

        // Every folder of the project shares one realm id.
        let id = RealmLocation.defaultRealmID(currentDirectory: nested, ceilings: ceilings)
        #expect(id.rawValue.hasPrefix("ws-"))
        #expect(id.rawValue.count == 15)
        #expect(RealmLocation.defaultRealmID(currentDirectory: project, ceilings: ceilings) == id)
        #expect(RealmLocation.realmID(projectRoot: project) == id)
        // Another spelling of the same folder gives the same id; another project a different one.
        let dotted = URL(fileURLWithPath: nested.path + "/../module/.")
        #expect(RealmLocation.defaultRealmID(currentDirectory: dotted, ceilings: ceilings) == id)
        let link = root.appending("link")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: nested)
        #expect(RealmLocation.defaultRealmID(currentDirectory: link, ceilings: ceilings) == id)
        #expect(RealmLocation.defaultRealmID(currentDirectory: loose, ceilings: ceilings) != id)

        let realm = try Realm.openDefault(currentDirectory: nested, ceilings: ceilings)
        #expect(realm.directory.path == canonicalProject.appendingPathComponent(".skat/realms/\(id.rawValue)").path)
    }

    @Test func aGitFolderOrFileMarksTheProjectRoot() throws {
        let root = try TemporaryDirectory()
        let ceilings = [RealmLocation.canonical(root.url)]
        let repository = root.appending("repository")
        let nested = repository.appendingPathComponent("Sources/App")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: repository.appendingPathComponent(".git"), withIntermediateDirectories: true)
        #expect(
            RealmLocation.projectRoot(from: nested, ceilings: ceilings).path
                == RealmLocation.canonical(repository).path)
        // A git worktree has a `.git` file.
        let worktree = root.appending("worktree")
        try FileManager.default.createDirectory(
            at: worktree.appendingPathComponent("docs"), withIntermediateDirectories: true)
        try "gitdir: elsewhere\n".write(to: worktree.appendingPathComponent(".git"), atomically: true, encoding: .utf8)
        #expect(
            RealmLocation.projectRoot(from: worktree.appendingPathComponent("docs"), ceilings: ceilings).path
                == RealmLocation.canonical(worktree).path)
    }

    @Test func discoveryNeverLooksIntoOrAboveACeiling() throws {
        let root = try TemporaryDirectory()
        // outer/.skat is above the ceiling `outer/inner`, so `outer/inner/work` is its own project.
        let outer = root.appending("outer")
        let inner = outer.appendingPathComponent("inner")
        let work = inner.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: outer.appendingPathComponent(".skat"), withIntermediateDirectories: true)
        let canonicalWork = RealmLocation.canonical(work).path
        #expect(RealmLocation.projectRoot(from: work, ceilings: []).path == RealmLocation.canonical(outer).path)
        let environment = ["SKAT_CEILING_DIRECTORIES": "relative/ignored::\(inner.path)"]
        let fromVariable = RealmLocation.ceilings(environment: environment)
        #expect(fromVariable.map(\.path) == [RealmLocation.canonical(inner).path])
        #expect(RealmLocation.projectRoot(from: work, ceilings: fromVariable).path == canonicalWork)
        // The ceiling itself is not looked into either: its `.skat` does not capture folders below it.
        try FileManager.default.createDirectory(
            at: inner.appendingPathComponent(".skat"), withIntermediateDirectories: true)
        #expect(RealmLocation.projectRoot(from: work, ceilings: fromVariable).path == canonicalWork)
        // ... unless the walk starts there.
        #expect(
            RealmLocation.projectRoot(from: inner, ceilings: fromVariable).path == RealmLocation.canonical(inner).path)
        // $HOME is always a ceiling: its `.skat` is the user's folder, not a project.
        let home = ["HOME": inner.path]
        #expect(RealmLocation.ceilings(environment: home).map(\.path) == [RealmLocation.canonical(inner).path])
        #expect(
            RealmLocation.projectRoot(from: work, ceilings: RealmLocation.ceilings(environment: home)).path
                == canonicalWork)
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
