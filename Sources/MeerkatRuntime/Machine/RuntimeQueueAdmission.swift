/// Whether the loop may process queued input in a runtime state, and with which run (RUNTIME.md §7.2, §8).
public enum RuntimeQueueAdmission: String, Sendable, Hashable, Codable, CaseIterable {
    /// Process, allocating a new run (idle, attached, retired-drain).
    case newRun = "new_run"
    /// Process only by reusing a run already bound to the current turn (running).
    case preBoundRunOnly = "pre_bound_run_only"
    /// Stop processing (initializing, stopped, destroyed).
    case none
}
