/// How far a committed write of a SQLite realm survives a crash (`SKAT_DURABILITY`, `--durability`).
///
/// Both levels run the database in WAL mode and acknowledge an input only after its transaction committed, so a
/// killed process (SIGKILL, OOM kill, a crash at any instruction) never loses an acknowledged input or a committed
/// boundary, and the file is never corrupted. They differ in what an operating-system crash or power loss can cost.
public enum RealmDurability: String, Sendable, Hashable, Codable, CaseIterable {
    /// `synchronous = NORMAL`: a commit is in the WAL (the OS page cache) when the write returns; the WAL is synced
    /// at checkpoints. A power loss or kernel crash may roll back the last commits (never a partial one).
    case process
    /// `synchronous = FULL`: every commit is fsynced before the write returns, so it also survives a power loss,
    /// at the cost of one disk flush per commit (about 1 ms each on a typical VM disk).
    case power

    /// The default: `process`, which is what the crash-recovery guarantees of the runtime are stated against.
    public static let `default` = RealmDurability.process

    /// The SQLite `synchronous` setting of this level.
    var synchronousPragma: String {
        switch self {
        case .process: "NORMAL"
        case .power: "FULL"
        }
    }
}
