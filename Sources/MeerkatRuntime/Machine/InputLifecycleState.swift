/// The phase of an input (RUNTIME.md §5.1); snake_case on the wire.
public enum InputLifecycleState: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Transient shell label; the machine creates inputs directly in `queued`.
    case accepted
    case queued
    case staged
    case applied
    case appliedPendingConsumption = "applied_pending_consumption"
    case consumed
    case superseded
    case coalesced
    case abandoned

    public var description: String { rawValue }

    /// True for `consumed`, `superseded`, `coalesced` and `abandoned`.
    public var isTerminal: Bool {
        switch self {
        case .consumed, .superseded, .coalesced, .abandoned: true
        case .accepted, .queued, .staged, .applied, .appliedPendingConsumption: false
        }
    }

    /// True for the five non-terminal phases (listed by `list_active_inputs`).
    public var isActive: Bool { !isTerminal }
}
