import Foundation

/// Identity of this process as a lease owner: `host:pid:instance`, so that a restarted process on the same host
/// can tell that a lease's owner died and take the session over at once instead of waiting for the lease to lapse.
public enum LeaseOwner {
    /// This process's owner string.
    public static let current: String = "\(hostName()):\(getpid()):\(UUID().uuidString.prefix(8).lowercased())"

    /// True when `owner` names a process on this host that no longer exists.
    public static func isDeadLocalOwner(_ owner: String) -> Bool {
        let parts = owner.split(separator: ":")
        guard parts.count == 3, String(parts[0]) == hostName(), let pid = Int32(parts[1]) else { return false }
        if pid == getpid() { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// The pid of a live process on this host that `owner` names (nil otherwise, or when it is this process).
    public static func localProcess(_ owner: String) -> Int32? {
        let parts = owner.split(separator: ":")
        guard parts.count == 3, String(parts[0]) == hostName(), let pid = Int32(parts[1]), pid != getpid() else {
            return nil
        }
        return kill(pid, 0) == 0 ? pid : nil
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
