/// How an admission plan is realised (RUNTIME.md §3.1 step 8).
public enum AdmissionDisposition: String, Sendable, Hashable, Codable, CaseIterable {
    /// The input goes straight to `consumed` (operations).
    case consumedOnAccept = "consumed_on_accept"
    /// The input is queued in the plan's lane.
    case queued
}
