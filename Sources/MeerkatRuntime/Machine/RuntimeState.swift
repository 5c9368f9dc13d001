/// The lifecycle state of a session's runtime (RUNTIME.md §8); snake_case on the wire.
///
/// The classification columns of §8 are computed properties. The run id and pre-run phase of `running`
/// are machine facts kept beside this value.
public enum RuntimeState: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case initializing
    /// Registered, no executor.
    case idle
    /// Executor and loop alive, waiting.
    case attached
    /// A run is in progress.
    case running
    /// No new input; existing work drains.
    case retired
    /// Executor stopped; quiescent, non-terminal, revivable.
    case stopped
    /// Terminal.
    case destroyed

    public var description: String { rawValue }

    /// Whether `accept_input` passes the lifecycle check (idle, attached, running).
    public var acceptsInput: Bool {
        switch self {
        case .idle, .attached, .running: true
        case .initializing, .retired, .stopped, .destroyed: false
        }
    }

    /// How the loop may process queued work in this state.
    public var queueAdmission: RuntimeQueueAdmission {
        switch self {
        case .idle, .attached, .retired: .newRun
        case .running: .preBoundRunOnly
        case .initializing, .stopped, .destroyed: .none
        }
    }

    /// Whether the loop may process queued work at all (running: only with a pre-bound run).
    public var processesQueue: Bool { queueAdmission != .none }

    /// Whether `Prepare(run)` is legal (idle, attached); retired drains through `DrainQueuedRun` instead.
    public var canPrepareRun: Bool {
        switch self {
        case .idle, .attached: true
        case .initializing, .running, .retired, .stopped, .destroyed: false
        }
    }

    /// How new input is answered at the door.
    public var ingressClass: RuntimeIngressClass {
        switch self {
        case .initializing, .idle, .attached, .running: .open
        case .retired, .stopped: .notReady
        case .destroyed: .destroyed
        }
    }

    /// Only `destroyed` is terminal.
    public var isTerminal: Bool { self == .destroyed }

    /// Busy for polling purposes: running, and retired while draining.
    public var isBusy: Bool { self == .running || self == .retired }

    /// Pre-run phases a run may return to.
    public var isValidPreRunPhase: Bool {
        switch self {
        case .idle, .attached, .retired: true
        case .initializing, .running, .stopped, .destroyed: false
        }
    }

    /// The state written to the durable runtime row (RUNTIME.md §8): attached → idle; running → idle,
    /// or retired when its pre-run phase is retired; others unchanged.
    public func durableProjection(preRunPhase: RuntimeState? = nil) -> RuntimeState {
        switch self {
        case .attached: .idle
        case .running: preRunPhase == .retired ? .retired : .idle
        case .initializing, .idle, .retired, .stopped, .destroyed: self
        }
    }

    /// The driver error for an accept refused in this state, nil when input is accepted.
    public var acceptError: RuntimeDriverError? {
        if acceptsInput { return nil }
        return self == .destroyed ? .destroyed : .notReady(state: self)
    }
}
