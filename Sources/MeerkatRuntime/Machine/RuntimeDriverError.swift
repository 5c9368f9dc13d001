public import MeerkatCore

/// Errors of the runtime driver and the session runtime facade (RUNTIME.md §16).
public enum RuntimeDriverError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The operation is illegal in the current state (accept while initializing/retired/stopped, ...).
    case notReady(state: RuntimeState)
    /// The runtime id was never admitted.
    case notFound(runtimeID: LogicalRuntimeID)
    /// A rejected input (rendered reason), a malformed input, or a guard rejection on an open ingress.
    case validationFailed(reason: String)
    /// The session's runtime is destroyed.
    case destroyed
    /// Durable rows cannot be replayed through the machine.
    case recoveryCorruption(reason: String)
    /// The store is temporarily unavailable or a compare-and-swap was lost during recovery; retry later.
    case recoveryBackoff(reason: String)
    /// Durable evidence cannot be normalised automatically.
    case recoveryRepairBlocked(evidenceDigest: String?, reason: String)
    /// An unregister saga ended without a known outcome; retry joins it.
    case unregisterFinalizationOutcomeUnknown
    /// An unregister saga still owns the session; retry joins it.
    case unregisterInProgress
    /// A stop saga still owns the session; retry joins it.
    case runtimeStopInProgress
    /// A hard interrupt was not acknowledged in time (5 s).
    case interruptDispatchOutcomeUnknown(runID: RunID)
    /// The hard interrupt callback crashed.
    case interruptDispatchPanicked(runID: RunID)
    /// A runless terminal publication outlived the caller's budget.
    case runtimeTerminalPublicationInProgress
    /// The caller's ownership witness was superseded (attachment or fence changed).
    case staleAuthority(reason: String)
    /// An invariant was violated or the adapter does not support the method.
    case `internal`(String)

    /// The `validation_failed` error a surface returns for a rejected input (RUNTIME.md §3.2 surface mapping).
    public static func rejected(_ reason: RejectReason) -> RuntimeDriverError {
        .validationFailed(reason: reason.description)
    }

    /// The `validation_failed` error for an input that failed a pre-check.
    public static func precheckFailed(_ failure: InputPrecheckFailure) -> RuntimeDriverError {
        .validationFailed(reason: failure.description)
    }

    /// A stable snake_case code for the variant (for surfaces that map errors to codes).
    public var code: String {
        switch self {
        case .notReady: "not_ready"
        case .notFound: "not_found"
        case .validationFailed: "validation_failed"
        case .destroyed: "destroyed"
        case .recoveryCorruption: "recovery_corruption"
        case .recoveryBackoff: "recovery_backoff"
        case .recoveryRepairBlocked: "recovery_repair_blocked"
        case .unregisterFinalizationOutcomeUnknown: "unregister_finalization_outcome_unknown"
        case .unregisterInProgress: "unregister_in_progress"
        case .runtimeStopInProgress: "runtime_stop_in_progress"
        case .interruptDispatchOutcomeUnknown: "interrupt_dispatch_outcome_unknown"
        case .interruptDispatchPanicked: "interrupt_dispatch_panicked"
        case .runtimeTerminalPublicationInProgress: "runtime_terminal_publication_in_progress"
        case .staleAuthority: "stale_authority"
        case .internal: "internal"
        }
    }

    /// True for the errors a caller should simply retry later.
    public var isRetryable: Bool {
        switch self {
        case .recoveryBackoff, .unregisterFinalizationOutcomeUnknown, .unregisterInProgress, .runtimeStopInProgress,
            .runtimeTerminalPublicationInProgress:
            true
        case .notReady, .notFound, .validationFailed, .destroyed, .recoveryCorruption, .recoveryRepairBlocked,
            .interruptDispatchOutcomeUnknown, .interruptDispatchPanicked, .staleAuthority, .internal:
            false
        }
    }

    public var description: String {
        switch self {
        case .notReady(let state): "runtime not ready: state is \(state.rawValue)"
        case .notFound(let runtimeID): "runtime not found: \(runtimeID.rawValue)"
        case .validationFailed(let reason): "input validation failed: \(reason)"
        case .destroyed: "runtime destroyed"
        case .recoveryCorruption(let reason): "recovery found corrupt durable state: \(reason)"
        case .recoveryBackoff(let reason): "recovery must be retried later: \(reason)"
        case .recoveryRepairBlocked(let digest, let reason):
            "recovery repair blocked: \(reason)" + (digest.map { " (evidence \($0))" } ?? "")
        case .unregisterFinalizationOutcomeUnknown:
            "session unregister finished with an unknown outcome; retry to join the teardown"
        case .unregisterInProgress: "session unregister in progress; retry to join it"
        case .runtimeStopInProgress: "runtime stop in progress; retry to join it"
        case .interruptDispatchOutcomeUnknown(let runID):
            "interrupt of run \(runID) was not acknowledged in time; its outcome is unknown"
        case .interruptDispatchPanicked(let runID): "interrupt of run \(runID) failed inside the executor"
        case .runtimeTerminalPublicationInProgress: "runtime terminal publication still in progress"
        case .staleAuthority(let reason): "stale runtime authority: \(reason)"
        case .internal(let message): "internal runtime error: \(message)"
        }
    }
}
