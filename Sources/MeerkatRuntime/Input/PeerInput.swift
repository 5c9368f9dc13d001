public import MeerkatCore

/// Peer-originated comms traffic (RUNTIME.md §2.2); its kind follows the convention.
///
/// The peer's identity comes from the header's `source` (`peer{peer_id, display_identity?}`).
public struct PeerInput: Sendable, Hashable, Codable {
    /// Common header (JSON key `header`).
    public var header: InputHeader
    /// The comms convention; absent means a plain message.
    public var convention: PeerConvention?
    /// Message body; defaults to empty text when absent.
    public var content: ContentInput
    /// Request parameters or response result.
    public var payload: JSONValue?
    /// Lane hint (forbidden on progress responses, RUNTIME.md §2.4 rule 4).
    public var handlingMode: HandlingMode?
    /// Sender trust assessment; absent is not the same as `clean`.
    public var senderTaint: PeerSenderTaint?
    /// Objective this traffic belongs to.
    public var objectiveID: String?
    /// Ordinary System messages for this turn: exact bytes, order kept (omitted when empty).
    public var systemPrompts: [String]
    /// Host context placed before the notice (omitted when empty).
    public var injectedContext: [ContentInput]
    /// Mob/bridge custody id (peripheral).
    public var directedInteractionID: String?

    private enum CodingKeys: String, CodingKey {
        case header, convention, content, payload, handlingMode = "handling_mode", senderTaint = "sender_taint"
        case objectiveID = "objective_id", systemPrompts = "system_prompts", injectedContext = "injected_context"
        case directedInteractionID = "directed_interaction_id"
    }

    public init(
        header: InputHeader = InputHeader(), convention: PeerConvention? = nil, content: ContentInput = .text(""),
        payload: JSONValue? = nil, handlingMode: HandlingMode? = nil, senderTaint: PeerSenderTaint? = nil,
        objectiveID: String? = nil, systemPrompts: [String] = [], injectedContext: [ContentInput] = [],
        directedInteractionID: String? = nil
    ) {
        self.header = header
        self.convention = convention
        self.content = content
        self.payload = payload
        self.handlingMode = handlingMode
        self.senderTaint = senderTaint
        self.objectiveID = objectiveID
        self.systemPrompts = systemPrompts
        self.injectedContext = injectedContext
        self.directedInteractionID = directedInteractionID
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        header = try container.decodeIfPresent(InputHeader.self, forKey: .header) ?? InputHeader()
        convention = try container.decodeIfPresent(PeerConvention.self, forKey: .convention)
        content = try container.decodeIfPresent(ContentInput.self, forKey: .content) ?? .text("")
        payload = try container.decodeIfPresent(JSONValue.self, forKey: .payload)
        handlingMode = try container.decodeIfPresent(HandlingMode.self, forKey: .handlingMode)
        senderTaint = try container.decodeIfPresent(PeerSenderTaint.self, forKey: .senderTaint)
        objectiveID = try container.decodeIfPresent(String.self, forKey: .objectiveID)
        systemPrompts = try container.decodeIfPresent([String].self, forKey: .systemPrompts) ?? []
        injectedContext = try container.decodeIfPresent([ContentInput].self, forKey: .injectedContext) ?? []
        directedInteractionID = try container.decodeIfPresent(String.self, forKey: .directedInteractionID)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(header, forKey: .header)
        try container.encodeIfPresent(convention, forKey: .convention)
        try container.encode(content, forKey: .content)
        try container.encodeIfPresent(payload, forKey: .payload)
        try container.encodeIfPresent(handlingMode, forKey: .handlingMode)
        try container.encodeIfPresent(senderTaint, forKey: .senderTaint)
        try container.encodeIfPresent(objectiveID, forKey: .objectiveID)
        if !systemPrompts.isEmpty { try container.encode(systemPrompts, forKey: .systemPrompts) }
        if !injectedContext.isEmpty { try container.encode(injectedContext, forKey: .injectedContext) }
        try container.encodeIfPresent(directedInteractionID, forKey: .directedInteractionID)
    }

    /// The input kind given by the convention (no convention → `peer_message`).
    public var kind: InputKind { convention?.inputKind ?? .peerMessage }
}
