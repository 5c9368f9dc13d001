import Foundation
public import MeerkatCore

/// Chooses the public completion outcome from how a run ended and whether its durable finalisation succeeded
/// (RUNTIME.md §9): a pure function of the two observations.
public enum CompletionClassifier {
    /// The outcome for contributors of a run that the executor completed.
    public static func outcome(for terminal: CoreRunTerminal, finalized: Bool) -> CompletionOutcome {
        switch (terminal, finalized) {
        case (.runResult(let result), true): return .completed(result: result)
        case (.noResult, true), (.noPendingBoundary, true): return .completedWithoutResult
        case (.callbackPending(let id, let name, let args), true):
            return .callbackPending(toolUseID: id, toolName: name, args: args)
        case (.callbackBatchPending(let calls), true):
            return .callbackBatchPending(
                pendingToolCalls: calls.map {
                    PendingCallbackToolCall(toolUseID: $0.id, toolName: $0.name, args: $0.args)
                })
        case (.machineTerminalFailure(let report), true):
            return report.errorClass == .cancelled
                ? .cancelled : .abandonedWithError(reason: "machine_terminal_failure", error: report)
        case (.runResult, false):
            return .completedWithFinalizationFailure(
                error: ErrorReport(
                    errorClass: .internal, reason: "finalization_failed",
                    message: "the run produced output but its durable commit failed; the result is withheld"))
        case (_, false):
            return .abandonedWithError(
                reason: "finalization_failed",
                error: ErrorReport(
                    errorClass: .internal, reason: "finalization_failed", message: "the run's durable commit failed"))
        }
    }

    /// The outcome a waiter of a failed attempt sees (the durable input may still run again).
    public static func outcome(for error: CoreExecutorError) -> CompletionOutcome {
        switch error {
        case .cancelled: .cancelled
        case .stopped: .runtimeTerminated(reason: "runtime stopped")
        case .applyFailed(let kind, let message):
            .abandonedWithError(
                reason: "apply_failed",
                error: ErrorReport(errorClass: .internal, reason: kind.rawValue, message: message))
        case .teardownRequired(let reason, let message):
            .abandonedWithError(
                reason: "teardown_required",
                error: ErrorReport(errorClass: .internal, reason: reason.rawValue, message: message))
        case .controlFailed(let message):
            .abandonedWithError(
                reason: "control_failed",
                error: ErrorReport(errorClass: .internal, reason: "control_failed", message: message))
        case .internal(let message):
            .abandonedWithError(
                reason: "executor_internal",
                error: ErrorReport(errorClass: .internal, reason: "executor_internal", message: message))
        }
    }

    /// The outcome for an input that reached a terminal phase outside a run.
    public static func outcome(forTerminal outcome: InputTerminalOutcome) -> CompletionOutcome {
        switch outcome {
        case .consumed, .coalesced, .superseded: return .completedWithoutResult
        case .abandoned(let reason):
            if let terminated = CompletionOutcome.runtimeTerminated(abandonedFor: reason) { return terminated }
            switch reason {
            case .cancelled: return .cancelled
            default:
                return .abandonedWithError(
                    reason: reason.code,
                    error: ErrorReport(
                        errorClass: .internal, reason: reason.code, message: "input abandoned: \(reason)"))
            }
        }
    }
}
