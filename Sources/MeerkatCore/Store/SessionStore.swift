public import Foundation

/// A session store failure.
public enum SessionStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A save would rewrite or drop committed messages (saves are append-only).
    case nonAppendOnly(SessionID, String)
    case notFound(SessionID)
    case unavailable(String)
    case corrupt(String)
    case io(String)

    public var description: String {
        switch self {
        case .nonAppendOnly(let id, let detail): "session \(id): saves are append-only (\(detail))"
        case .notFound(let id): "session \(id) not found"
        case .unavailable(let message): "session store unavailable: \(message)"
        case .corrupt(let message): "session store corrupt: \(message)"
        case .io(let message): "session store I/O error: \(message)"
        }
    }
}

/// The list view of a session.
public struct SessionMeta: Sendable, Hashable, Codable {
    public var id: SessionID
    public var createdAt: Date
    public var updatedAt: Date
    public var messageCount: Int
    public var totalTokens: Int
    public var metadata: [String: JSONValue]
    public var archived: Bool

    private enum CodingKeys: String, CodingKey {
        case id, createdAt = "created_at", updatedAt = "updated_at", messageCount = "message_count"
        case totalTokens = "total_tokens", metadata, archived
    }

    public init(
        id: SessionID, createdAt: Date, updatedAt: Date, messageCount: Int, totalTokens: Int,
        metadata: [String: JSONValue], archived: Bool
    ) {
        self.id = id
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.messageCount = messageCount
        self.totalTokens = totalTokens
        self.metadata = metadata
        self.archived = archived
    }

    /// The session's labels (`metadata.labels`).
    public var labels: [String: String] { Session.labels(in: metadata) }
}

/// Which sessions to list. Newest first (by `updated_at`, then id).
public struct SessionQuery: Sendable, Hashable {
    /// Every label must match exactly.
    public var labels: [String: String]
    public var includeArchived: Bool
    public var limit: Int
    public var offset: Int

    public init(labels: [String: String] = [:], includeArchived: Bool = false, limit: Int = 100, offset: Int = 0) {
        self.labels = labels
        self.includeArchived = includeArchived
        self.limit = limit
        self.offset = offset
    }

    /// True when a session matches the filters (paging aside).
    public func matches(_ meta: SessionMeta) -> Bool {
        if meta.archived && !includeArchived { return false }
        let labels = meta.labels
        return self.labels.allSatisfy { labels[$0.key] == $0.value }
    }
}

extension Session {
    /// Labels live under `metadata.labels` as a string map.
    public static func labels(in metadata: [String: JSONValue]) -> [String: String] {
        metadata["labels"]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
    }

    /// The list view of this session.
    public func meta(archived: Bool = false) -> SessionMeta {
        SessionMeta(
            id: id, createdAt: createdAt, updatedAt: updatedAt, messageCount: messages.count,
            totalTokens: usage.totalTokens, metadata: metadata, archived: archived)
    }
}

/// Durable sessions (AGENT.md §7). Saves are append-only: a save may add messages and change metadata and usage,
/// but never rewrites or drops committed messages.
public protocol SessionStore: Sendable {
    /// Creates or extends a session.
    func save(_ session: Session) async throws(SessionStoreError)
    /// The session, or nil.
    func load(_ id: SessionID) async throws(SessionStoreError) -> Session?
    /// Sessions matching the query, newest first.
    func list(_ query: SessionQuery) async throws(SessionStoreError) -> [SessionMeta]
    /// The list view of one session, or nil.
    func loadMeta(_ id: SessionID) async throws(SessionStoreError) -> SessionMeta?
    /// Hides a session from default listings; history is kept.
    func archive(_ id: SessionID) async throws(SessionStoreError)
    /// Lists an archived session again (a no-op for one that is not archived).
    func unarchive(_ id: SessionID) async throws(SessionStoreError)
    /// Removes a session and its history.
    func delete(_ id: SessionID) async throws(SessionStoreError)
}

extension SessionStore {
    /// True when the session exists.
    public func exists(_ id: SessionID) async throws(SessionStoreError) -> Bool {
        try await loadMeta(id) != nil
    }
}

/// Sessions held in memory with the `SessionStore` rules (append-only saves, label filters, newest-first paging,
/// archive, delete). The in-memory stores keep one of these inside their actor.
public struct SessionTable: Sendable {
    private var sessions: [SessionID: Session] = [:]
    private var archived: Set<SessionID> = []

    public init() {}

    /// Checks that `session` may replace the stored one (append-only).
    public func checkSave(_ session: Session) throws(SessionStoreError) {
        if let problem = session.activeContext?.problem(count: session.messages.count) {
            throw .nonAppendOnly(session.id, "active_context: \(problem)")
        }
        if let existing = sessions[session.id] {
            try InMemorySessionStore.checkAppendOnly(existing: existing.messages, next: session)
        }
    }

    public mutating func save(_ session: Session) throws(SessionStoreError) {
        try checkSave(session)
        sessions[session.id] = session
    }

    public func load(_ id: SessionID) -> Session? { sessions[id] }

    public func list(_ query: SessionQuery) -> [SessionMeta] {
        let all = sessions.values.map { $0.meta(archived: archived.contains($0.id)) }.filter(query.matches)
            .sorted { ($0.updatedAt, $0.id) > ($1.updatedAt, $1.id) }
        return Array(all.dropFirst(max(0, query.offset)).prefix(max(0, query.limit)))
    }

    public func loadMeta(_ id: SessionID) -> SessionMeta? {
        sessions[id].map { $0.meta(archived: archived.contains(id)) }
    }

    public mutating func archive(_ id: SessionID) throws(SessionStoreError) {
        guard sessions[id] != nil else { throw .notFound(id) }
        archived.insert(id)
    }

    public mutating func unarchive(_ id: SessionID) throws(SessionStoreError) {
        guard sessions[id] != nil else { throw .notFound(id) }
        archived.remove(id)
    }

    public mutating func delete(_ id: SessionID) throws(SessionStoreError) {
        guard sessions.removeValue(forKey: id) != nil else { throw .notFound(id) }
        archived.remove(id)
    }
}

/// The process-memory `SessionStore`.
public actor InMemorySessionStore: SessionStore {
    private var table = SessionTable()

    public init() {}

    public func save(_ session: Session) throws(SessionStoreError) { try table.save(session) }
    public func load(_ id: SessionID) -> Session? { table.load(id) }
    public func list(_ query: SessionQuery) -> [SessionMeta] { table.list(query) }
    public func loadMeta(_ id: SessionID) -> SessionMeta? { table.loadMeta(id) }
    public func archive(_ id: SessionID) throws(SessionStoreError) { try table.archive(id) }
    public func unarchive(_ id: SessionID) throws(SessionStoreError) { try table.unarchive(id) }
    public func delete(_ id: SessionID) throws(SessionStoreError) { try table.delete(id) }

    /// Throws unless `next` keeps every committed message unchanged and in place.
    public static func checkAppendOnly(existing: [Message], next: Session) throws(SessionStoreError) {
        guard next.messages.count >= existing.count else {
            throw .nonAppendOnly(next.id, "\(existing.count) committed messages, save has \(next.messages.count)")
        }
        let shared = existing.sharedPrefixCount(with: next.messages)
        if shared < existing.count {
            throw .nonAppendOnly(next.id, "message \(shared) differs from the committed one")
        }
    }
}
