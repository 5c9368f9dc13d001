/// How admission wakes the runtime (RUNTIME.md §4.1).
public enum WakeMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Wake the loop if it is idle.
    case wakeIfIdle = "wake_if_idle"
    /// Interrupt cooperative yield points (e.g. a wait tool); never cancels work.
    case interruptYielding = "interrupt_yielding"
    /// Do not wake.
    case none
}
