public import Foundation
public import MeerkatCore
public import MeerkatRuntime

/// An opened realm (AGENT.md §7): the identity and storage boundary of sessions and runtime state.
///
/// On disk a realm is the folder `<state root>/<realm id>/` holding `realm_manifest.json` (pinned backend and
/// schema version), `config.toml`, `blobs/` (content-addressed) and, for the `sqlite` backend, `realm.sqlite3`
/// (WAL). Both stores of a `sqlite` realm share one database so a run boundary commits sessions and runtime rows
/// together. Open a realm once per process and share the value.
public final class Realm: Sendable {
    /// The file name of the manifest.
    public static let manifestFileName = "realm_manifest.json"
    /// The file name of the database.
    public static let databaseFileName = "realm.sqlite3"

    /// The realm's id.
    public let id: RealmID
    /// The realm folder.
    public let directory: URL
    /// The manifest as of opening (schema version updated after migration).
    public let manifest: RealmManifest
    /// The content-addressed blob store (`blobs/`).
    public let blobs: BlobStore
    /// The shared database (nil for the `memory` backend).
    public let database: RealmDatabase?
    /// Sessions of this realm.
    public let sessionStore: any SessionStore
    /// Runtime state of this realm.
    public let runtimeStore: any RuntimeStore
    /// The per-session event logs of this realm (what SSE and RPC subscriptions resume from).
    public let eventLog: any SessionEventLogStore

    private init(
        id: RealmID, directory: URL, manifest: RealmManifest, blobs: BlobStore, database: RealmDatabase?,
        sessionStore: any SessionStore, runtimeStore: any RuntimeStore,
        eventLog: any SessionEventLogStore = InMemorySessionEventLogStore()
    ) {
        self.eventLog = eventLog
        self.id = id
        self.directory = directory
        self.manifest = manifest
        self.blobs = blobs
        self.database = database
        self.sessionStore = sessionStore
        self.runtimeStore = runtimeStore
    }

    /// `config.toml` of the realm (created empty at first open; its content belongs to the config system).
    public var configURL: URL { directory.appendingPathComponent("config.toml") }

    /// Opens `<stateRoot>/<realmID>/`, creating it on first use with `backend` (default `sqlite`) pinned in its
    /// manifest. Later opens must ask for the pinned backend or pass nil. A `sqlite` database is migrated to the
    /// current schema; one written by a newer binary is refused with `schemaTooNew`.
    public static func open(
        stateRoot: URL, realmID: RealmID, backend: RealmBackend? = nil, durability: RealmDurability = .default
    ) throws(RealmError) -> Realm {
        let directory = stateRoot.appendingPathComponent(realmID.rawValue, isDirectory: true)
        try RealmFiles.ensureDirectory(directory)
        try RealmFiles.checkWritable(directory)
        let manifestURL = directory.appendingPathComponent(manifestFileName)
        // The creation time is kept at the file's (millisecond) precision so the returned manifest equals the file.
        let now = WireJSON.formatDate(Date())
        var manifest = try RealmFiles.loadOrCreateManifest(
            at: manifestURL,
            fresh: RealmManifest(
                realmID: realmID, backend: backend ?? .sqlite, schemaVersion: 0,
                createdAt: WireJSON.parseDate(now) ?? Date()))
        if manifest.realmID != realmID {
            throw .realmIDMismatch(
                path: manifestURL.path, manifest: manifest.realmID.rawValue, requested: realmID.rawValue)
        }
        if let backend, backend != manifest.backend {
            throw .backendMismatch(path: directory.path, pinned: manifest.backend, requested: backend)
        }
        try RealmFiles.ensureFile(directory.appendingPathComponent("config.toml"))
        let blobsURL = directory.appendingPathComponent("blobs", isDirectory: true)
        try RealmFiles.ensureDirectory(blobsURL)
        let blobs = BlobStore(directory: blobsURL)
        switch manifest.backend {
        case .memory:
            let store = InMemoryRuntimeStore()
            return Realm(
                id: realmID, directory: directory, manifest: manifest, blobs: blobs, database: nil,
                sessionStore: store, runtimeStore: store)
        case .sqlite:
            let database = try RealmDatabase.open(
                path: directory.appendingPathComponent(databaseFileName).path, blobs: blobs,
                manifestVersion: manifest.schemaVersion, durability: durability)
            let version = try database.schemaVersion()
            if version != manifest.schemaVersion {
                manifest.schemaVersion = version
                try RealmFiles.replace(manifestURL, with: manifest.encoded())
            }
            return Realm(
                id: realmID, directory: directory, manifest: manifest, blobs: blobs, database: database,
                sessionStore: SQLiteSessionStore(database: database),
                runtimeStore: SQLiteRuntimeStore(database: database),
                eventLog: SQLiteSessionEventLogStore(database: database))
        }
    }

    /// A realm that lives only in this process: in-memory stores, nothing created or checked on disk (whatever
    /// exists at `directory` is ignored). `directory` is where blobs would go if something stored one.
    public static func inMemory(realmID: RealmID, directory: URL) -> Realm {
        // One object for both roles: the runtime store commits session snapshots with its receipts, and reads
        // must see them (a separate session store would only ever hold the session as created).
        let store = InMemoryRuntimeStore()
        return Realm(
            id: realmID, directory: directory,
            manifest: RealmManifest(realmID: realmID, backend: .memory, schemaVersion: 0, createdAt: Date()),
            blobs: BlobStore(directory: directory.appendingPathComponent("blobs", isDirectory: true)), database: nil,
            sessionStore: store, runtimeStore: store)
    }

    /// Opens the CLI default realm: `<project>/.skat/realms/<ws-…>/` for `currentDirectory` (see `RealmLocation`).
    public static func openDefault(
        currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
        ceilings: [URL] = RealmLocation.processCeilings, backend: RealmBackend? = nil
    ) throws(RealmError) -> Realm {
        let root = RealmLocation.projectRoot(from: currentDirectory, ceilings: ceilings)
        return try open(
            stateRoot: RealmLocation.stateRoot(projectRoot: root), realmID: RealmLocation.realmID(projectRoot: root),
            backend: backend)
    }

    /// Closes the database (a no-op for the `memory` backend); the stores fail afterwards.
    public func close() throws(RealmError) {
        try database?.close()
    }
}
