public import MeerkatCore

/// Run semantics stamped on an input at admission and persisted with it; the loop reads these instead of
/// re-classifying payloads (RUNTIME.md §4.1). Nil fields are omitted from JSON.
public struct RuntimeInputSemantics: Sendable, Hashable, Codable {
    /// Where the input applies: `run_start` or `run_checkpoint`.
    public var boundary: RunApplyBoundary
    /// Content turn or resume of pending work.
    public var executionKind: RuntimeExecutionKind
    /// `queue` when a steer admitted to an idle runtime was normalised into an ordinary turn.
    public var executionHandlingMode: HandlingMode?
    /// Set for peer terminal responses.
    public var peerResponseTerminalApplyIntent: PeerResponseTerminalApplyIntent?
    /// True iff the input was admitted to the steer lane.
    public var liveInterruptRequired: Bool

    private enum CodingKeys: String, CodingKey {
        case boundary, executionKind = "execution_kind", executionHandlingMode = "execution_handling_mode"
        case peerResponseTerminalApplyIntent = "peer_response_terminal_apply_intent"
        case liveInterruptRequired = "live_interrupt_required"
    }

    public init(
        boundary: RunApplyBoundary, executionKind: RuntimeExecutionKind = .contentTurn,
        executionHandlingMode: HandlingMode? = nil,
        peerResponseTerminalApplyIntent: PeerResponseTerminalApplyIntent? = nil, liveInterruptRequired: Bool = false
    ) {
        self.boundary = boundary
        self.executionKind = executionKind
        self.executionHandlingMode = executionHandlingMode
        self.peerResponseTerminalApplyIntent = peerResponseTerminalApplyIntent
        self.liveInterruptRequired = liveInterruptRequired
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        boundary = try container.decode(RunApplyBoundary.self, forKey: .boundary)
        executionKind = try container.decode(RuntimeExecutionKind.self, forKey: .executionKind)
        executionHandlingMode = try container.decodeIfPresent(HandlingMode.self, forKey: .executionHandlingMode)
        peerResponseTerminalApplyIntent = try container.decodeIfPresent(
            PeerResponseTerminalApplyIntent.self, forKey: .peerResponseTerminalApplyIntent)
        liveInterruptRequired = try container.decodeIfPresent(Bool.self, forKey: .liveInterruptRequired) ?? false
    }

    /// True for peer terminal responses, which are never live-injected.
    public var isPeerResponseTerminal: Bool { peerResponseTerminalApplyIntent != nil }

    /// Whether the input is injected as request-only steer context instead of transcript appends
    /// (RUNTIME.md §2.3 live steer exception): live interrupt required, not a peer terminal, and the
    /// execution handling mode not normalised to `queue`.
    public var contributesLiveSteerContext: Bool {
        liveInterruptRequired && !isPeerResponseTerminal && executionHandlingMode != .queue
    }

    /// The semantics after the live boundary was unavailable or the steer batch ran on an idle runtime:
    /// an ordinary queued turn (RUNTIME.md §5.3 `LiveBoundaryUnavailable`, §7.2 step 5).
    public func normalizedToQueue() -> RuntimeInputSemantics {
        var copy = self
        copy.executionHandlingMode = .queue
        copy.liveInterruptRequired = false
        return copy
    }
}
