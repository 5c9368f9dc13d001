public import Foundation
public import MeerkatCore

/// A session as listings show it: title, model and last activity.
public struct SessionSummary: Sendable, Hashable, Encodable {
    public var id: SessionID
    /// The title set with `rename`, else the first line of the first prompt (nil for a session without prompts).
    public var title: String?
    /// The model the session was created with (resolved), when known.
    public var model: String?
    public var createdAt: Date
    /// When the session last changed (a committed turn, a rename, ...).
    public var lastActivity: Date
    public var messageCount: Int
    public var totalTokens: Int
    public var labels: [String: String]
    public var archived: Bool

    private enum CodingKeys: String, CodingKey {
        case id, title, model, createdAt = "created_at", lastActivity = "last_activity"
        case messageCount = "message_count", totalTokens = "total_tokens", labels, archived
    }

    /// Metadata key of a session's title.
    public static let titleKey = "title"
    /// Metadata key of the model a session was created with.
    public static let modelKey = "model"
    /// Longest default title, in characters.
    public static let maxDefaultTitle = 80

    /// The default title of a transcript: the first line of its first prompt, trimmed and capped.
    public static func defaultTitle(_ messages: [Message]) -> String? {
        for message in messages {
            guard case .user(let blocks, .conversational, _) = message else { continue }
            let text = blocks.map(\.textProjection).joined(separator: " ")
            guard
                let line = text.split(whereSeparator: \.isNewline).lazy
                    .map({ $0.trimmingCharacters(in: .whitespaces) }).first(where: { !$0.isEmpty })
            else { continue }
            return line.count > maxDefaultTitle ? String(line.prefix(maxDefaultTitle - 1)) + "…" : line
        }
        return nil
    }

    init(meta: SessionMeta, title: String?) {
        id = meta.id
        self.title = title
        model = meta.metadata[Self.modelKey]?.stringValue
        createdAt = meta.createdAt
        lastActivity = meta.updatedAt
        messageCount = meta.messageCount
        totalTokens = meta.totalTokens
        labels = meta.labels
        archived = meta.archived
    }
}
