import Foundation
public import MeerkatCore

/// Why a realm could not be opened or used. Every case names the path involved so an operator can act on it.
public enum RealmError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The realm id breaks the naming rules (1–64 ASCII alphanumerics, `_` or `-`, not UUID-like).
    case invalidRealmID(String, reason: String)
    /// A file-system operation failed (missing permission, a file where a folder is expected, disk full, ...).
    case io(path: String, detail: String)
    /// `realm_manifest.json` exists but cannot be read as a manifest.
    case unreadableManifest(path: String, detail: String)
    /// The manifest pins a backend this binary does not know.
    case unknownBackend(path: String, backend: String)
    /// The realm is pinned to one backend and was opened asking for another.
    case backendMismatch(path: String, pinned: RealmBackend, requested: RealmBackend)
    /// The manifest belongs to another realm id (a copied or renamed folder).
    case realmIDMismatch(path: String, manifest: String, requested: String)
    /// The realm was written by a newer binary; opening it could lose data, so it is refused.
    case schemaTooNew(path: String, found: Int, supported: Int)
    /// The database file is not a SQLite database, is truncated, or is damaged.
    case corrupt(path: String, detail: String)
    /// A schema migration failed; the realm is left at its previous version.
    case migrationFailed(path: String, detail: String)

    public var description: String {
        switch self {
        case .invalidRealmID(let id, let reason): "invalid realm id '\(id)': \(reason)"
        case .io(let path, let detail): "realm I/O error at \(path): \(detail)"
        case .unreadableManifest(let path, let detail): "unreadable realm manifest \(path): \(detail)"
        case .unknownBackend(let path, let backend):
            "realm manifest \(path) names unknown backend '\(backend)' (known: \(RealmBackend.allCases.map(\.rawValue)))"
        case .backendMismatch(let path, let pinned, let requested):
            "realm \(path) is pinned to backend '\(pinned.rawValue)', cannot open it as '\(requested.rawValue)'"
        case .realmIDMismatch(let path, let manifest, let requested):
            "realm manifest \(path) belongs to realm '\(manifest)', not '\(requested)'"
        case .schemaTooNew(let path, let found, let supported):
            "realm \(path) has schema version \(found), newer than this binary supports (\(supported)); "
                + "upgrade Meerkat to open it"
        case .corrupt(let path, let detail): "realm database \(path) is corrupt: \(detail)"
        case .migrationFailed(let path, let detail): "realm database \(path) could not be migrated: \(detail)"
        }
    }
}
