public import MeerkatCore

/// A system notice the runtime projects into the conversation for non-prompt inputs (RUNTIME.md §2.3).
///
/// `ConversationAppend` has no field for the notice kind, so a notice renders as a `system_notice` append
/// whose content is `blocks`: first a text block a model can read (summary, then one `key: value` line
/// per attribute), then a `structured` block `{"runtime_notice": {...}}` carrying this whole value, then
/// the notice's own content blocks. ``init(append:)`` reads the value back from such an append, so the
/// executor can recover the kind (e.g. `comms`) when it builds a `Message.systemNotice`.
public struct RuntimeSystemNotice: Sendable, Hashable, Codable {
    /// The notice kind (`comms` for peers, `external_event`, `generic` for flow steps).
    public var kind: SystemNoticeKind
    /// One-line summary ("Peer request: <intent>", "Flow step <id>", ...).
    public var summary: String
    /// Named facts (peer id, request id, status, source, ...), rendered in ``attributeOrder``.
    public var attributes: [String: String]
    /// Structured payload (request params, response result, event document).
    public var payload: JSONValue?
    /// Content blocks carried by the notice (message body, event blocks).
    public var blocks: [ContentBlock]

    private enum CodingKeys: String, CodingKey { case kind = "notice_kind", summary, attributes, payload, blocks }

    public init(
        kind: SystemNoticeKind, summary: String, attributes: [String: String] = [:], payload: JSONValue? = nil,
        blocks: [ContentBlock] = []
    ) {
        self.kind = kind
        self.summary = summary
        self.attributes = attributes
        self.payload = payload
        self.blocks = blocks
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(SystemNoticeKind.self, forKey: .kind)
        summary = try container.decode(String.self, forKey: .summary)
        attributes = try container.decodeIfPresent([String: String].self, forKey: .attributes) ?? [:]
        payload = try container.decodeIfPresent(JSONValue.self, forKey: .payload)
        blocks = try container.decodeIfPresent([ContentBlock].self, forKey: .blocks) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(summary, forKey: .summary)
        if !attributes.isEmpty { try container.encode(attributes, forKey: .attributes) }
        try container.encodeIfPresent(payload, forKey: .payload)
        if !blocks.isEmpty { try container.encode(blocks, forKey: .blocks) }
    }

    /// The order in which known attributes are rendered; unknown keys follow, sorted.
    public static let attributeOrder = [
        "category", "direction", "peer_id", "peer_name", "request_id", "intent", "phase", "status", "source",
        "event_type", "sender_taint", "detail",
    ]

    /// The key of the structured block that carries the notice.
    public static let structuredKey = "runtime_notice"

    /// The human-readable text: the summary, then `key: value` lines.
    public var renderedText: String {
        let known = Self.attributeOrder.filter { attributes[$0] != nil }
        let unknown = attributes.keys.filter { !Self.attributeOrder.contains($0) }.sorted()
        let lines = (known + unknown).compactMap { key in attributes[key].map { "\(key): \($0)" } }
        return ([summary] + lines).joined(separator: "\n")
    }

    /// The notice as a `system_notice` conversation append.
    public var conversationAppend: ConversationAppend {
        // The structured copy omits the blocks: they follow it in the append itself.
        var carried = self
        carried.blocks = []
        // Safe: a projection, no write or decision — encoding this plain Codable value cannot fail.
        let structured = (try? WireJSON.toJSONValue(carried)) ?? .null
        let content: [ContentBlock] =
            [.text(renderedText), .structured(.object([Self.structuredKey: structured]))] + blocks
        return ConversationAppend(role: .systemNotice, content: .blocks(content))
    }

    /// Reads a notice back from an append built by ``conversationAppend``; nil for any other append.
    public init?(append: ConversationAppend) {
        guard append.role == .systemNotice, case .blocks(let content) = append.content else { return nil }
        // Safe: reading back a projection; an append that does not decode is "not a notice" (nil), by contract.
        guard content.count >= 2, case .structured(let data) = content[1],
            let carried = data[Self.structuredKey],
            var notice = try? WireJSON.fromJSONValue(carried, as: RuntimeSystemNotice.self)
        else { return nil }
        notice.blocks = Array(content.dropFirst(2))
        self = notice
    }
}
