/// Which lane an admitted input is routed to (RUNTIME.md §4.1).
public enum RoutingDisposition: String, Sendable, Hashable, Codable, CaseIterable {
    /// The queue lane (the default).
    case queue
    /// The steer lane.
    case steer
    /// Vocabulary only; would map to the steer lane.
    case immediate
    /// Not routed (operations, lane queue).
    case drop
}
