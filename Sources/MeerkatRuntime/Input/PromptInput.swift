public import MeerkatCore

/// An operator prompt (RUNTIME.md §2.2; kind `prompt`).
public struct PromptInput: Sendable, Hashable, Codable {
    /// Common header (JSON key `header`).
    public var header: InputHeader
    /// Text or multimodal content; defaults to empty text when absent.
    public var content: ContentInput
    /// Runtime-authored appends that ride with the turn, after the user append (omitted when empty).
    public var typedTurnAppends: [ConversationAppend]
    /// Host context; each entry becomes an `injected_context` append before the user append (omitted when empty).
    public var injectedContext: [ContentInput]
    /// Per-turn overrides; its `handling_mode` is the lane hint.
    public var turnMetadata: RuntimeTurnMetadata?

    private enum CodingKeys: String, CodingKey {
        case header, content, typedTurnAppends = "typed_turn_appends", injectedContext = "injected_context"
        case turnMetadata = "turn_metadata"
    }

    public init(
        header: InputHeader = InputHeader(), content: ContentInput, typedTurnAppends: [ConversationAppend] = [],
        injectedContext: [ContentInput] = [], turnMetadata: RuntimeTurnMetadata? = nil
    ) {
        self.header = header
        self.content = content
        self.typedTurnAppends = typedTurnAppends
        self.injectedContext = injectedContext
        self.turnMetadata = turnMetadata
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        header = try container.decodeIfPresent(InputHeader.self, forKey: .header) ?? InputHeader()
        content = try container.decodeIfPresent(ContentInput.self, forKey: .content) ?? .text("")
        typedTurnAppends = try container.decodeIfPresent([ConversationAppend].self, forKey: .typedTurnAppends) ?? []
        injectedContext = try container.decodeIfPresent([ContentInput].self, forKey: .injectedContext) ?? []
        turnMetadata = try container.decodeIfPresent(RuntimeTurnMetadata.self, forKey: .turnMetadata)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(header, forKey: .header)
        try container.encode(content, forKey: .content)
        if !typedTurnAppends.isEmpty { try container.encode(typedTurnAppends, forKey: .typedTurnAppends) }
        if !injectedContext.isEmpty { try container.encode(injectedContext, forKey: .injectedContext) }
        try container.encodeIfPresent(turnMetadata, forKey: .turnMetadata)
    }
}
