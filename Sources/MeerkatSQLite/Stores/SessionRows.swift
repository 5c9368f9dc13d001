import Foundation
import GRDB
import MeerkatCore

/// Reading and appending session rows inside a transaction: the one code path used by both
/// `SQLiteSessionStore.save` and the session delta of `SQLiteRuntimeStore.atomicApply`.
///
/// A session is a `sessions` row (metadata, usage, counts, the chain digest of its transcript) plus one
/// `session_messages` row per message. Each message row stores `chain_digest = SHA-256(previous chain digest + "\n"
/// + body)`, and the session row the digest of its last message, so a save can prove that its first `n` messages
/// are the committed ones by comparing one digest, and then inserts only the new rows: the cost of an append does
/// not grow with the transcript.
enum SessionRows {
    /// The digest of an empty transcript.
    static let emptyDigest = ""

    /// The committed shape of a session.
    struct Head: Sendable {
        var messageCount: Int
        var digest: String
        var metadata: String
    }

    /// The next chain digest.
    static func chain(_ previous: String, _ body: String) -> String {
        var hasher = SHA256()
        hasher.update(previous)
        hasher.update("\n")
        hasher.update(body)
        return SHA256.hexString(hasher.finalize())
    }

    /// The JSON text a message is stored as (images externalised; ids only computed when `store` is nil).
    static func body(_ message: Message, store: BlobStore?) throws -> String {
        try WireJSON.encodeString(try MessageImages.externalised(message, store: store))
    }

    static func head(_ db: Database, _ id: SessionID) throws -> Head? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT message_count, head_digest, metadata FROM sessions WHERE id = ?"),
                arguments: [id.description])
        else { return nil }
        return Head(messageCount: row["message_count"], digest: row["head_digest"], metadata: row["metadata"])
    }

    /// Creates or extends `session` in the current transaction and returns its new chain digest. Throws
    /// `StoreFault.nonAppendOnly` when the save would drop or rewrite a committed message. New messages are
    /// tagged with `runID` (the run whose boundary appended them), when known.
    static func append(_ db: Database, _ session: Session, runID: RunID?, database: RealmDatabase) throws -> String {
        let head = try head(db, session.id)
        let committed = head?.messageCount ?? 0
        var digest = head?.digest ?? emptyDigest
        if let head {
            guard session.messages.count >= head.messageCount else {
                throw StoreFault.nonAppendOnly(
                    session.id, "\(head.messageCount) committed messages, save has \(session.messages.count)")
            }
            try verifyPrefix(db, session, head: head, database: database)
        }
        var bodies: [(body: String, digest: String)] = []
        bodies.reserveCapacity(session.messages.count - committed)
        for message in session.messages[committed...] {
            let body = try body(message, store: database.blobs)
            digest = chain(digest, body)
            bodies.append((body, digest))
        }
        let metadata = try WireJSON.encodeString(session.metadata)
        let usage = try WireJSON.encodeString(session.usage)
        var activeContext: String?
        if let view = session.activeContext {
            if let problem = view.problem(count: session.messages.count) {
                throw StoreFault.nonAppendOnly(session.id, "active_context: \(problem)")
            }
            activeContext = try WireJSON.encodeString(view)
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO sessions (id, created_at, updated_at, metadata, usage, total_tokens, message_count,
                    head_digest, active_context)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET created_at = excluded.created_at, updated_at = excluded.updated_at,
                    metadata = excluded.metadata, usage = excluded.usage, total_tokens = excluded.total_tokens,
                    message_count = excluded.message_count, head_digest = excluded.head_digest,
                    active_context = excluded.active_context
                """
        ).execute(
            arguments: [
                session.id.description, WireJSON.formatDate(session.createdAt), WireJSON.formatDate(session.updatedAt),
                metadata, usage, session.usage.totalTokens, session.messages.count, digest, activeContext,
            ])
        // Message rows reference the session row, so they are inserted after it.
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO session_messages (session_id, seq, role, body, chain_digest, run_id)
                VALUES (?, ?, ?, ?, ?, ?)
                """)
        for (offset, row) in bodies.enumerated() {
            let index = committed + offset
            try insert.execute(
                arguments: [
                    session.id.description, index, session.messages[index].role, row.body, row.digest,
                    runID?.description,
                ])
        }
        if head?.metadata != metadata {
            // A new session has no labels to replace.
            if head != nil {
                try db.cachedStatement(sql: "DELETE FROM session_labels WHERE session_id = ?")
                    .execute(arguments: [session.id.description])
            }
            let labels = Session.labels(in: session.metadata)
            if !labels.isEmpty {
                let insert = try db.cachedStatement(
                    sql: "INSERT INTO session_labels (session_id, key, value) VALUES (?, ?, ?)")
                for (key, value) in labels.sorted(by: { $0.key < $1.key }) {
                    try insert.execute(arguments: [session.id.description, key, value])
                }
            }
        }
        return digest
    }

    /// Proves that the save's first `head.messageCount` messages are the committed ones: from the in-memory
    /// prefix cache when it matches the stored digest (cheap value comparisons), otherwise by re-encoding the
    /// prefix and comparing chain digests (no committed message is read back either way).
    private static func verifyPrefix(
        _ db: Database, _ session: Session, head: Head, database: RealmDatabase
    ) throws {
        let count = head.messageCount
        if let cached = database.prefixes.entry(session.id), cached.digest == head.digest,
            cached.messages.count == count, session.messages.sharedPrefixCount(with: cached.messages) == count
        {
            return
        }
        // A cached transcript can differ only in ways its stored form erases (dates finer than a millisecond,
        // inline images now stored as blobs), so the stored form decides.
        var digests: [String] = []
        digests.reserveCapacity(count)
        var digest = emptyDigest
        for message in session.messages[0..<count] {
            digest = chain(digest, try body(message, store: nil))
            digests.append(digest)
        }
        if digest == head.digest { return }
        let stored = try String.fetchAll(
            db, sql: "SELECT chain_digest FROM session_messages WHERE session_id = ? ORDER BY seq",
            arguments: [session.id.description])
        let shared = min(digests.count, stored.count)
        let first = (0..<shared).first { digests[$0] != stored[$0] } ?? shared
        throw StoreFault.nonAppendOnly(session.id, "message \(first) differs from the committed one")
    }

    /// The session and its chain digest, or nil.
    static func load(_ db: Database, _ id: SessionID, path: String) throws -> (Session, String)? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT created_at, updated_at, metadata, usage, message_count, head_digest, active_context
                    FROM sessions WHERE id = ?
                    """,
                arguments: [id.description])
        else { return nil }
        let decoder = WireJSON.decoder()
        let bodies = try String.fetchAll(
            db, sql: "SELECT body FROM session_messages WHERE session_id = ? ORDER BY seq", arguments: [id.description])
        let count: Int = row["message_count"]
        guard bodies.count == count else {
            throw StoreFault.corrupt("\(path): session \(id) records \(count) messages but has \(bodies.count) rows")
        }
        var messages: [Message] = []
        messages.reserveCapacity(bodies.count)
        for (index, body) in bodies.enumerated() {
            do {
                messages.append(try decoder.decode(Message.self, from: Data(body.utf8)))
            } catch {
                throw StoreFault.corrupt("\(path): session \(id) message \(index) is unreadable: \(error)")
            }
        }
        var activeContext: ActiveContext?
        if let text: String = row["active_context"] {
            let view = try decodeColumn(ActiveContext.self, text, what: "active_context", id, path, decoder)
            if let problem = view.problem(count: messages.count) {
                throw StoreFault.corrupt("\(path): session \(id) active_context is inconsistent: \(problem)")
            }
            activeContext = view
        }
        let session = Session(
            id: id, messages: messages,
            metadata: try decodeColumn([String: JSONValue].self, row["metadata"], what: "metadata", id, path, decoder),
            usage: try decodeColumn(Usage.self, row["usage"], what: "usage", id, path, decoder),
            createdAt: try date(row["created_at"], id, path), updatedAt: try date(row["updated_at"], id, path),
            activeContext: activeContext)
        return (session, row["head_digest"])
    }

    /// The columns `meta(_:path:)` reads.
    static let metaColumns = "id, created_at, updated_at, metadata, total_tokens, message_count, archived"

    /// The list view of a `sessions` row selected with `metaColumns`.
    static func meta(_ row: Row, path: String) throws -> SessionMeta {
        let text: String = row["id"]
        guard let id = SessionID(text) else { throw StoreFault.corrupt("\(path): session id '\(text)' is not a UUID") }
        return SessionMeta(
            id: id, createdAt: try date(row["created_at"], id, path), updatedAt: try date(row["updated_at"], id, path),
            messageCount: row["message_count"], totalTokens: row["total_tokens"],
            metadata: try decodeColumn(
                [String: JSONValue].self, row["metadata"], what: "metadata", id, path, WireJSON.decoder()),
            archived: row["archived"])
    }

    /// Sessions matching `query`, newest first (by `updated_at`, then id), paged.
    static func list(_ db: Database, _ query: SessionQuery, path: String) throws -> [SessionMeta] {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if !query.includeArchived { conditions.append("archived = 0") }
        for (key, value) in query.labels.sorted(by: { $0.key < $1.key }) {
            conditions.append(
                """
                EXISTS (SELECT 1 FROM session_labels l WHERE l.session_id = sessions.id AND l.key = ? AND l.value = ?)
                """)
            arguments.append(key)
            arguments.append(value)
        }
        var sql = "SELECT \(metaColumns) FROM sessions"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?"
        arguments.append(max(0, query.limit))
        arguments.append(max(0, query.offset))
        return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
            try meta(row, path: path)
        }
    }

    private static func date(_ text: String, _ id: SessionID, _ path: String) throws -> Date {
        guard let date = WireJSON.parseDate(text) else {
            throw StoreFault.corrupt("\(path): session \(id) has an unreadable timestamp '\(text)'")
        }
        return date
    }

    private static func decodeColumn<T: Decodable>(
        _ type: T.Type, _ text: String, what: String, _ id: SessionID, _ path: String, _ decoder: JSONDecoder
    ) throws -> T {
        do {
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw StoreFault.corrupt("\(path): session \(id) \(what) is unreadable: \(error)")
        }
    }
}
