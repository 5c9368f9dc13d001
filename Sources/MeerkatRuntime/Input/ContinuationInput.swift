public import Foundation
public import MeerkatCore

/// A request to continue pending work (RUNTIME.md §2.2; kind `continuation`).
public struct ContinuationInput: Sendable, Hashable, Codable {
    /// Common header (JSON key `header`).
    public var header: InputHeader
    /// Why the continuation was raised.
    public var reason: String
    /// What it resumes; defaults to `ordinary`.
    public var continuationKind: ContinuationKind
    /// Lane hint; defaults to `queue` and is always encoded.
    public var handlingMode: HandlingMode
    /// The request this continuation answers, if any.
    public var requestID: String?
    /// Tool visibility overlay for the resumed turn.
    public var turnToolOverlay: TurnToolOverlay?
    /// The append this continuation contributes, if any.
    public var turnAppend: ConversationAppend?

    private enum CodingKeys: String, CodingKey {
        case header, reason, continuationKind = "continuation_kind", handlingMode = "handling_mode"
        case requestID = "request_id", turnToolOverlay = "turn_tool_overlay", turnAppend = "turn_append"
    }

    public init(
        header: InputHeader = InputHeader(), reason: String, continuationKind: ContinuationKind = .ordinary,
        handlingMode: HandlingMode = .queue, requestID: String? = nil, turnToolOverlay: TurnToolOverlay? = nil,
        turnAppend: ConversationAppend? = nil
    ) {
        self.header = header
        self.reason = reason
        self.continuationKind = continuationKind
        self.handlingMode = handlingMode
        self.requestID = requestID
        self.turnToolOverlay = turnToolOverlay
        self.turnAppend = turnAppend
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        header = try container.decodeIfPresent(InputHeader.self, forKey: .header) ?? InputHeader()
        reason = try container.decode(String.self, forKey: .reason)
        continuationKind = try container.decodeIfPresent(ContinuationKind.self, forKey: .continuationKind) ?? .ordinary
        handlingMode = try container.decodeIfPresent(HandlingMode.self, forKey: .handlingMode) ?? .queue
        requestID = try container.decodeIfPresent(String.self, forKey: .requestID)
        turnToolOverlay = try container.decodeIfPresent(TurnToolOverlay.self, forKey: .turnToolOverlay)
        turnAppend = try container.decodeIfPresent(ConversationAppend.self, forKey: .turnAppend)
    }

    /// The reason of the canonical system continuation raised when detached background ops complete.
    public static let detachedBackgroundOpCompletedReason = "detached_background_op_completed"

    /// The canonical system continuation for completed detached background ops (RUNTIME.md §2.2, §7.7):
    /// origin `system`, durability `derived`, both visibility flags false, kind ordinary, handling `steer`.
    public static func detachedBackgroundOpCompleted(
        id: InputID = InputID(), timestamp: Date = Date()
    ) -> ContinuationInput {
        ContinuationInput(
            header: InputHeader(
                id: id, timestamp: timestamp, source: .system, durability: .derived, visibility: .hidden),
            reason: detachedBackgroundOpCompletedReason, continuationKind: .ordinary, handlingMode: .steer)
    }
}
