public import MeerkatCore

/// The machine-owned per-input facts that travel with the shell at the store boundary (RUNTIME.md §5.4).
///
/// Inside a live driver these facts are read from the machine; the seed exists so they survive persistence.
/// Nil fields are omitted from JSON; `attempt_count` defaults to 0.
public struct InputStateSeed: Sendable, Hashable, Codable {
    /// Stage → rollback cycles allowed before an input is abandoned (RUNTIME.md §5.3).
    public static let maxStageAttempts = 3

    /// The current phase.
    public var phase: InputLifecycleState
    /// The last run the input was staged for (attribution, not a claim).
    public var lastRunID: RunID?
    /// The receipt sequence of the boundary that applied it.
    public var lastBoundarySequence: UInt64?
    /// The ordering token within its lane.
    public var admissionSequence: UInt64?
    /// How it ended, once terminal.
    public var terminalOutcome: InputTerminalOutcome?
    /// Times the input was staged (or refused staging).
    public var attemptCount: Int
    /// The lane to return to on rollback.
    public var recoveryLane: InputLane?

    private enum CodingKeys: String, CodingKey {
        case phase, lastRunID = "last_run_id", lastBoundarySequence = "last_boundary_sequence"
        case admissionSequence = "admission_sequence", terminalOutcome = "terminal_outcome"
        case attemptCount = "attempt_count", recoveryLane = "recovery_lane"
    }

    public init(
        phase: InputLifecycleState, lastRunID: RunID? = nil, lastBoundarySequence: UInt64? = nil,
        admissionSequence: UInt64? = nil, terminalOutcome: InputTerminalOutcome? = nil, attemptCount: Int = 0,
        recoveryLane: InputLane? = nil
    ) {
        self.phase = phase
        self.lastRunID = lastRunID
        self.lastBoundarySequence = lastBoundarySequence
        self.admissionSequence = admissionSequence
        self.terminalOutcome = terminalOutcome
        self.attemptCount = attemptCount
        self.recoveryLane = recoveryLane
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        phase = try container.decode(InputLifecycleState.self, forKey: .phase)
        lastRunID = try container.decodeIfPresent(RunID.self, forKey: .lastRunID)
        lastBoundarySequence = try container.decodeIfPresent(UInt64.self, forKey: .lastBoundarySequence)
        admissionSequence = try container.decodeIfPresent(UInt64.self, forKey: .admissionSequence)
        terminalOutcome = try container.decodeIfPresent(InputTerminalOutcome.self, forKey: .terminalOutcome)
        attemptCount = try container.decodeIfPresent(Int.self, forKey: .attemptCount) ?? 0
        recoveryLane = try container.decodeIfPresent(InputLane.self, forKey: .recoveryLane)
    }

    /// A freshly accepted shell label (no run, no sequence, no outcome, zero attempts).
    public static let accepted = InputStateSeed(phase: .accepted)

    /// A newly admitted input waiting in `lane` (RUNTIME.md §5.3 QueueAccepted / SteerAccepted).
    public static func queued(lane: InputLane, admissionSequence: UInt64?) -> InputStateSeed {
        InputStateSeed(phase: .queued, admissionSequence: admissionSequence, recoveryLane: lane)
    }

    /// An input consumed on accept (operations, RUNTIME.md §5.3 ConsumeOnAccept).
    public static func consumedOnAccept(admissionSequence: UInt64? = nil) -> InputStateSeed {
        InputStateSeed(phase: .consumed, admissionSequence: admissionSequence, terminalOutcome: .consumed)
    }

    /// True when the phase is terminal.
    public var isTerminal: Bool { phase.isTerminal }

    /// True when the terminal outcome agrees with the phase: present and matching for terminal phases,
    /// absent otherwise.
    public var isConsistent: Bool {
        guard let terminalOutcome else { return !phase.isTerminal }
        return terminalOutcome.phase == phase
    }
}
