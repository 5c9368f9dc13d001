public import MeerkatCore

/// The machine's mirror of `HandlingMode` (RUNTIME.md §1): the lane an input waits in.
public enum InputLane: String, Sendable, Hashable, Codable, CaseIterable {
    /// Handle at the next turn.
    case queue
    /// Inject at the earliest admissible cooperative boundary.
    case steer

    /// The lane of a handling mode.
    public init(_ mode: HandlingMode) {
        switch mode {
        case .queue: self = .queue
        case .steer: self = .steer
        }
    }

    /// The handling mode of this lane.
    public var handlingMode: HandlingMode {
        switch self {
        case .queue: .queue
        case .steer: .steer
        }
    }
}
