public import MeerkatCore

/// One durable input row: the shell plus its machine seed (RUNTIME.md §5.4).
///
/// Serialises as ONE flat JSON object: `stored_input_state_version: 5`, the ``InputState`` fields, and the
/// seed inlined with `current_state` = `seed.phase` and `last_run_id`, `last_boundary_sequence`,
/// `admission_sequence`, `terminal_outcome`, `attempt_count`, `recovery_lane`. Rows of versions 3 and 4
/// are refused with ``StoredInputStateDecodingError/legacyVersion(_:)``.
public struct StoredInputState: Sendable, Hashable, Codable {
    /// The row layout version written by this runtime.
    public static let version = 5

    /// The shell.
    public var state: InputState
    /// The machine-owned facts.
    public var seed: InputStateSeed

    private enum CodingKeys: String, CodingKey {
        case version = "stored_input_state_version", currentState = "current_state", lastRunID = "last_run_id"
        case lastBoundarySequence = "last_boundary_sequence", admissionSequence = "admission_sequence"
        case terminalOutcome = "terminal_outcome", attemptCount = "attempt_count", recoveryLane = "recovery_lane"
    }

    public init(state: InputState, seed: InputStateSeed) {
        self.state = state
        self.seed = seed
    }

    /// The input's id.
    public var inputID: InputID { state.inputID }
    /// The input's phase.
    public var phase: InputLifecycleState { seed.phase }
    /// True when the row is terminal.
    public var isTerminal: Bool { seed.phase.isTerminal }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let version = try container.decodeIfPresent(Int.self, forKey: .version) else {
            throw StoredInputStateDecodingError.missingVersion
        }
        switch version {
        case Self.version: break
        case 3, 4: throw StoredInputStateDecodingError.legacyVersion(version)
        default: throw StoredInputStateDecodingError.unsupportedVersion(version)
        }
        state = try InputState(from: decoder)
        seed = InputStateSeed(
            phase: try container.decode(InputLifecycleState.self, forKey: .currentState),
            lastRunID: try container.decodeIfPresent(RunID.self, forKey: .lastRunID),
            lastBoundarySequence: try container.decodeIfPresent(UInt64.self, forKey: .lastBoundarySequence),
            admissionSequence: try container.decodeIfPresent(UInt64.self, forKey: .admissionSequence),
            terminalOutcome: try container.decodeIfPresent(InputTerminalOutcome.self, forKey: .terminalOutcome),
            attemptCount: try container.decodeIfPresent(Int.self, forKey: .attemptCount) ?? 0,
            recoveryLane: try container.decodeIfPresent(InputLane.self, forKey: .recoveryLane))
    }

    public func encode(to encoder: any Encoder) throws {
        try state.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.version, forKey: .version)
        try container.encode(seed.phase, forKey: .currentState)
        try container.encodeIfPresent(seed.lastRunID, forKey: .lastRunID)
        try container.encodeIfPresent(seed.lastBoundarySequence, forKey: .lastBoundarySequence)
        try container.encodeIfPresent(seed.admissionSequence, forKey: .admissionSequence)
        try container.encodeIfPresent(seed.terminalOutcome, forKey: .terminalOutcome)
        try container.encode(seed.attemptCount, forKey: .attemptCount)
        try container.encodeIfPresent(seed.recoveryLane, forKey: .recoveryLane)
    }
}
