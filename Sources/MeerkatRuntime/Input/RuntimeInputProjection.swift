public import MeerkatCore

/// How one admitted input becomes conversation content (RUNTIME.md §2.3).
///
/// Computed once at admission and stored with the input; the loop never re-interprets payloads later.
/// Within a staged primitive each input contributes, in order: injected-context appends, the primary
/// append, the additional appends (``orderedAppends``). Empty lists are omitted from JSON.
public struct RuntimeInputProjection: Sendable, Hashable, Codable {
    /// `injected_context` appends placed before the primary append.
    public var injectedContextAppends: [ConversationAppend]
    /// The primary append (user message or system notice), if any.
    public var append: ConversationAppend?
    /// Appends that follow the primary one (a prompt's typed turn appends).
    public var additionalAppends: [ConversationAppend]

    private enum CodingKeys: String, CodingKey {
        case injectedContextAppends = "injected_context_appends", append, additionalAppends = "additional_appends"
    }

    public init(
        injectedContextAppends: [ConversationAppend] = [], append: ConversationAppend? = nil,
        additionalAppends: [ConversationAppend] = []
    ) {
        self.injectedContextAppends = injectedContextAppends
        self.append = append
        self.additionalAppends = additionalAppends
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        injectedContextAppends =
            try container.decodeIfPresent([ConversationAppend].self, forKey: .injectedContextAppends) ?? []
        append = try container.decodeIfPresent(ConversationAppend.self, forKey: .append)
        additionalAppends = try container.decodeIfPresent([ConversationAppend].self, forKey: .additionalAppends) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !injectedContextAppends.isEmpty {
            try container.encode(injectedContextAppends, forKey: .injectedContextAppends)
        }
        try container.encodeIfPresent(append, forKey: .append)
        if !additionalAppends.isEmpty { try container.encode(additionalAppends, forKey: .additionalAppends) }
    }

    /// The input's appends in staging order: injected context → primary → additional.
    public var orderedAppends: [ConversationAppend] {
        injectedContextAppends + (append.map { [$0] } ?? []) + additionalAppends
    }

    /// True when the input contributes no append at all.
    public var isEmpty: Bool { orderedAppends.isEmpty }

    /// The content blocks of every append, in staging order: the request-only context a live steer
    /// contributes instead of transcript appends (RUNTIME.md §2.3, live steer exception).
    public var steerContextBlocks: [ContentBlock] {
        orderedAppends.flatMap(\.content.blocks)
    }

    /// The text of the live-steer context: each append's blocks as model-visible text joined by newlines,
    /// appends separated by a blank line. Empty when the input renders no text (then no context is pushed).
    public var renderedSteerText: String {
        orderedAppends
            .map { $0.content.blocks.map(\.textProjection).filter { !$0.isEmpty }.joined(separator: "\n") }
            .filter { !$0.isEmpty }
            .joined(separator: "\n\n")
    }
}
