/// Why an image operation was denied before any provider call (RUNTIME.md §14).
public enum ImageOperationDenialReason: Sendable, Hashable, CustomStringConvertible {
    /// The target model cannot generate images (unknown, or not an image model).
    case unsupportedTarget
    /// The operation asks for more images than the target produces per operation.
    case unsupportedCount
    /// Policy or configuration forbids image generation with this target (no credential, provider without an
    /// image API, image generation switched off).
    case capabilityPolicy
    /// A cost policy forbids it.
    case costPolicy
    /// A safety policy forbids it.
    case safetyPolicy
    /// Approval is required but no one can give it.
    case approvalRequiredButUnavailable
    /// Approval was refused; `approvable` says whether asking again could succeed.
    case deniedDuringApproval(approvable: Bool)
    /// Another scoped override (operation, turn or pending switch) is active.
    case scopedOverrideConflict
    /// The session's realtime transport cannot be detached for the target.
    case realtimeTransportConflict
    /// The transcript cannot be projected for the target.
    case projectionUnsupported

    /// The snake_case wire name (`unsupported_target`, ...).
    public var wireName: String {
        switch self {
        case .unsupportedTarget: "unsupported_target"
        case .unsupportedCount: "unsupported_count"
        case .capabilityPolicy: "capability_policy"
        case .costPolicy: "cost_policy"
        case .safetyPolicy: "safety_policy"
        case .approvalRequiredButUnavailable: "approval_required_but_unavailable"
        case .deniedDuringApproval: "denied_during_approval"
        case .scopedOverrideConflict: "scoped_override_conflict"
        case .realtimeTransportConflict: "realtime_transport_conflict"
        case .projectionUnsupported: "projection_unsupported"
        }
    }

    public var description: String { wireName }
}
