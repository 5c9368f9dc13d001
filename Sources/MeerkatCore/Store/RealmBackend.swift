/// The storage backend a realm is pinned to at first open (AGENT.md §7).
public enum RealmBackend: String, Sendable, Hashable, Codable, CaseIterable {
    /// `realm.sqlite3` in WAL mode: sessions and runtime state, durable and shared between processes.
    case sqlite
    /// Process-local and ephemeral: nothing but the manifest, config and blobs outlive the process.
    case memory
}
