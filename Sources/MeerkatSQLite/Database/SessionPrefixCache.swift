import MeerkatCore
import Synchronization

/// The last committed transcript of recently written or loaded sessions, so the append-only check of a save can
/// compare the caller's prefix with values in memory instead of re-encoding or re-reading every committed message.
///
/// An entry is only trusted while its count and chain digest equal the ones stored in the session row; any other
/// writer (another process, a rolled-back transaction) changes the stored digest and the entry is ignored.
final class SessionPrefixCache: Sendable {
    struct Entry: Sendable {
        var messages: [Message]
        var digest: String
    }

    /// Sessions kept; beyond this an arbitrary entry is dropped (a miss only costs one re-encoding).
    private let capacity: Int
    private let entries = Mutex<[SessionID: Entry]>([:])

    init(capacity: Int = 256) {
        self.capacity = capacity
    }

    func entry(_ id: SessionID) -> Entry? {
        entries.withLock { $0[id] }
    }

    func store(_ id: SessionID, messages: [Message], digest: String) {
        entries.withLock { entries in
            if entries[id] == nil, entries.count >= capacity, let victim = entries.keys.first {
                entries.removeValue(forKey: victim)
            }
            entries[id] = Entry(messages: messages, digest: digest)
        }
    }

    func remove(_ id: SessionID) {
        _ = entries.withLock { $0.removeValue(forKey: id) }
    }
}
