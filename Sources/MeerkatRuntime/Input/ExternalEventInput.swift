public import MeerkatCore

/// An event from outside the agent: webhook, scheduler, file watcher (RUNTIME.md §2.2; kind `external_event`).
public struct ExternalEventInput: Sendable, Hashable, Codable {
    /// Common header (JSON key `header`).
    public var header: InputHeader
    /// The event's type name.
    public var eventType: String
    /// The event document; defaults to `{}` when absent. A `blocks` key inside it is rejected
    /// (multimodal content belongs in `blocks`).
    public var payload: JSONValue
    /// Multimodal content of the event.
    public var blocks: [ContentBlock]?
    /// Lane hint; defaults to `queue` and is always encoded.
    public var handlingMode: HandlingMode
    /// Rendering hints for the turn.
    public var renderMetadata: RenderMetadata?
    /// Objective this event belongs to.
    public var objectiveID: String?

    private enum CodingKeys: String, CodingKey {
        case header, eventType = "event_type", payload, blocks, handlingMode = "handling_mode"
        case renderMetadata = "render_metadata", objectiveID = "objective_id"
    }

    public init(
        header: InputHeader = InputHeader(), eventType: String, payload: JSONValue = .object([:]),
        blocks: [ContentBlock]? = nil, handlingMode: HandlingMode = .queue, renderMetadata: RenderMetadata? = nil,
        objectiveID: String? = nil
    ) {
        self.header = header
        self.eventType = eventType
        self.payload = payload
        self.blocks = blocks
        self.handlingMode = handlingMode
        self.renderMetadata = renderMetadata
        self.objectiveID = objectiveID
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        header = try container.decodeIfPresent(InputHeader.self, forKey: .header) ?? InputHeader()
        eventType = try container.decode(String.self, forKey: .eventType)
        payload = try container.decodeIfPresent(JSONValue.self, forKey: .payload) ?? .object([:])
        blocks = try container.decodeIfPresent([ContentBlock].self, forKey: .blocks)
        handlingMode = try container.decodeIfPresent(HandlingMode.self, forKey: .handlingMode) ?? .queue
        renderMetadata = try container.decodeIfPresent(RenderMetadata.self, forKey: .renderMetadata)
        objectiveID = try container.decodeIfPresent(String.self, forKey: .objectiveID)
    }
}
