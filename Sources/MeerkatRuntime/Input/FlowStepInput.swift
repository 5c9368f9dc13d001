public import MeerkatCore

/// One step of a flow (RUNTIME.md §2.2; kind `flow_step`).
public struct FlowStepInput: Sendable, Hashable, Codable {
    /// Common header (JSON key `header`).
    public var header: InputHeader
    /// The step's identifier.
    public var stepID: String
    /// The step's instructions; defaults to empty text when absent.
    public var content: ContentInput
    /// Mob/bridge custody id (peripheral).
    public var directedInteractionID: String?
    /// Per-turn overrides; its `handling_mode` is the lane hint.
    public var turnMetadata: RuntimeTurnMetadata?

    private enum CodingKeys: String, CodingKey {
        case header, stepID = "step_id", content, directedInteractionID = "directed_interaction_id"
        case turnMetadata = "turn_metadata"
    }

    public init(
        header: InputHeader = InputHeader(), stepID: String, content: ContentInput,
        directedInteractionID: String? = nil, turnMetadata: RuntimeTurnMetadata? = nil
    ) {
        self.header = header
        self.stepID = stepID
        self.content = content
        self.directedInteractionID = directedInteractionID
        self.turnMetadata = turnMetadata
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        header = try container.decodeIfPresent(InputHeader.self, forKey: .header) ?? InputHeader()
        stepID = try container.decode(String.self, forKey: .stepID)
        content = try container.decodeIfPresent(ContentInput.self, forKey: .content) ?? .text("")
        directedInteractionID = try container.decodeIfPresent(String.self, forKey: .directedInteractionID)
        turnMetadata = try container.decodeIfPresent(RuntimeTurnMetadata.self, forKey: .turnMetadata)
    }
}
