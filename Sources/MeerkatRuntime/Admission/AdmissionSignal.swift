/// What admission asks of the runtime loop after an accept (RUNTIME.md §3.4), ordered by strength:
/// `none < wake_loop < interrupt_yielding < request_immediate_processing`.
public enum AdmissionSignal: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case none
    case wakeLoop = "wake_loop"
    case interruptYielding = "interrupt_yielding"
    case requestImmediateProcessing = "request_immediate_processing"

    private var rank: Int {
        switch self {
        case .none: 0
        case .wakeLoop: 1
        case .interruptYielding: 2
        case .requestImmediateProcessing: 3
        }
    }

    public static func < (lhs: AdmissionSignal, rhs: AdmissionSignal) -> Bool { lhs.rank < rhs.rank }

    /// The signal implied by a plan's flags: the strongest flag set wins.
    public init(_ flags: AdmissionFlags) {
        if flags.requestImmediateProcessing {
            self = .requestImmediateProcessing
        } else if flags.interruptYielding {
            self = .interruptYielding
        } else if flags.wakeIfIdle {
            self = .wakeLoop
        } else {
            self = .none
        }
    }

    /// At least `wake_loop`.
    public var shouldWake: Bool { self >= .wakeLoop }
    /// At least `interrupt_yielding`.
    public var shouldInterruptYielding: Bool { self >= .interruptYielding }
    /// Exactly `request_immediate_processing`.
    public var shouldProcessImmediately: Bool { self == .requestImmediateProcessing }

    /// The stronger of two signals (the driver accumulates the strongest until taken).
    public func merged(with other: AdmissionSignal) -> AdmissionSignal { max(self, other) }
}
