/// How a runtime state answers new input at the door (RUNTIME.md §8).
public enum RuntimeIngressClass: String, Sendable, Hashable, Codable, CaseIterable {
    /// Ingress open (the lifecycle check may still say not ready, e.g. while initializing).
    case open
    /// Refused with `NotReady{state}`.
    case notReady = "not_ready"
    /// Refused with `Destroyed`.
    case destroyed
}
