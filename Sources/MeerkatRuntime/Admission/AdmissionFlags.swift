/// The coarse post-admission flags of a plan (RUNTIME.md §3.4, §4.2).
public struct AdmissionFlags: Sendable, Hashable, Codable {
    /// Process at once (steer admissions).
    public var requestImmediateProcessing: Bool
    /// Interrupt cooperative yield points of the running turn (only meaningful while running).
    public var interruptYielding: Bool
    /// Wake the loop if it is idle.
    public var wakeIfIdle: Bool

    private enum CodingKeys: String, CodingKey {
        case requestImmediateProcessing = "request_immediate_processing", interruptYielding = "interrupt_yielding"
        case wakeIfIdle = "wake_if_idle"
    }

    public init(requestImmediateProcessing: Bool = false, interruptYielding: Bool = false, wakeIfIdle: Bool = false) {
        self.requestImmediateProcessing = requestImmediateProcessing
        self.interruptYielding = interruptYielding
        self.wakeIfIdle = wakeIfIdle
    }

    /// No flag set.
    public static let none = AdmissionFlags()

    /// True when no flag is set.
    public var isEmpty: Bool { !requestImmediateProcessing && !interruptYielding && !wakeIfIdle }

    /// The post-admission signal these flags imply.
    public var signal: AdmissionSignal { AdmissionSignal(self) }
}
