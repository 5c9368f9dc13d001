/// When an admitted input counts as consumed (RUNTIME.md §4.1). Only `on_accept` and `on_run_complete`
/// are produced by the policy table.
public enum ConsumePoint: String, Sendable, Hashable, Codable, CaseIterable {
    case onAccept = "on_accept"
    case onApply = "on_apply"
    case onRunStart = "on_run_start"
    case onRunComplete = "on_run_complete"
    case explicitAck = "explicit_ack"
}
