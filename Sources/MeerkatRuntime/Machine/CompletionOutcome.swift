public import MeerkatCore

/// What a completion waiter learns about its input (RUNTIME.md §9); JSON tag `completion_type`, payload
/// fields inline (`completed` carries its run result under `result`).
///
/// `indirect`, so the rows and effects that carry one copy a reference, not the run result.
public indirect enum CompletionOutcome: Sendable, Hashable, Codable {
    /// The run finished with a result and finalization succeeded.
    case completed(result: RunResult)
    /// Consumed without a result (context-only work, no pending boundary, live steer injected, ...).
    case completedWithoutResult
    /// The run parked on one external callback.
    case callbackPending(toolUseID: String, toolName: String, args: JSONValue)
    /// The run parked on several external callbacks.
    case callbackBatchPending(pendingToolCalls: [PendingCallbackToolCall])
    /// A hard interrupt reached the cancellation terminal.
    case cancelled
    /// Legacy shape, not produced by the current loop (handle it anyway).
    case abandoned(reason: String, error: ErrorReport)
    /// The attempt failed (apply failure, machine terminal failure, staging refused at the cap, ...).
    case abandonedWithError(reason: String, error: ErrorReport)
    /// Output was produced but the durable commit failed: a failure; the result is deliberately withheld.
    case completedWithFinalizationFailure(error: ErrorReport)
    /// The input was abandoned by reset, stop, destroy, retire without a loop, or unregister.
    case runtimeTerminated(reason: String, error: ErrorReport)

    private enum CodingKeys: String, CodingKey {
        case completionType = "completion_type", result, toolUseID = "tool_use_id", toolName = "tool_name", args
        case pendingToolCalls = "pending_tool_calls", reason, error
    }

    /// The wire tag of this outcome.
    public var completionType: String {
        switch self {
        case .completed: "completed"
        case .completedWithoutResult: "completed_without_result"
        case .callbackPending: "callback_pending"
        case .callbackBatchPending: "callback_batch_pending"
        case .cancelled: "cancelled"
        case .abandoned: "abandoned"
        case .abandonedWithError: "abandoned_with_error"
        case .completedWithFinalizationFailure: "completed_with_finalization_failure"
        case .runtimeTerminated: "runtime_terminated"
        }
    }

    /// True for the outcomes in which the input's work succeeded (`completed`, `completed_without_result`,
    /// and the callback parks, which resume later).
    public var isSuccess: Bool {
        switch self {
        case .completed, .completedWithoutResult, .callbackPending, .callbackBatchPending: true
        case .cancelled, .abandoned, .abandonedWithError, .completedWithFinalizationFailure, .runtimeTerminated:
            false
        }
    }

    /// The run result, only for `completed`.
    public var runResult: RunResult? {
        if case .completed(let result) = self { return result }
        return nil
    }

    /// The failure report of the failing outcomes.
    public var errorReport: ErrorReport? {
        switch self {
        case .abandoned(_, let error), .abandonedWithError(_, let error), .runtimeTerminated(_, let error),
            .completedWithFinalizationFailure(let error):
            error
        case .completed, .completedWithoutResult, .callbackPending, .callbackBatchPending, .cancelled: nil
        }
    }

    /// The `runtime_terminated` outcome for an input abandoned by a runtime control operation, with the
    /// reason texts of RUNTIME.md §9: "runtime reset", "runtime stopped", "runtime destroyed",
    /// "retired without runtime loop"; nil for reasons that are not runtime terminations.
    public static func runtimeTerminated(abandonedFor reason: InputAbandonReason) -> CompletionOutcome? {
        let text: String
        switch reason {
        case .reset: text = "runtime reset"
        case .stopped: text = "runtime stopped"
        case .destroyed: text = "runtime destroyed"
        case .retired: text = "retired without runtime loop"
        case .cancelled, .maxAttemptsExhausted, .neverExecuted: return nil
        }
        return runtimeTerminated(reason: text)
    }

    /// A `runtime_terminated` outcome with a fatal error report carrying the reason.
    public static func runtimeTerminated(reason: String) -> CompletionOutcome {
        .runtimeTerminated(
            reason: reason, error: ErrorReport(errorClass: .internal, reason: "runtime_terminated", message: reason))
    }

    /// The reason text used when an unregistered session's waiters are resolved.
    public static let sessionUnregisteredReason = "runtime session unregistered"

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .completionType) {
        case "completed": self = .completed(result: try container.decode(RunResult.self, forKey: .result))
        case "completed_without_result": self = .completedWithoutResult
        case "callback_pending":
            self = .callbackPending(
                toolUseID: try container.decode(String.self, forKey: .toolUseID),
                toolName: try container.decode(String.self, forKey: .toolName),
                args: try container.decodeIfPresent(JSONValue.self, forKey: .args) ?? .null)
        case "callback_batch_pending":
            self = .callbackBatchPending(
                pendingToolCalls: try container.decode([PendingCallbackToolCall].self, forKey: .pendingToolCalls))
        case "cancelled": self = .cancelled
        case "abandoned":
            self = .abandoned(
                reason: try container.decode(String.self, forKey: .reason),
                error: try container.decode(ErrorReport.self, forKey: .error))
        case "abandoned_with_error":
            self = .abandonedWithError(
                reason: try container.decode(String.self, forKey: .reason),
                error: try container.decode(ErrorReport.self, forKey: .error))
        case "completed_with_finalization_failure":
            self = .completedWithFinalizationFailure(error: try container.decode(ErrorReport.self, forKey: .error))
        case "runtime_terminated":
            self = .runtimeTerminated(
                reason: try container.decode(String.self, forKey: .reason),
                error: try container.decode(ErrorReport.self, forKey: .error))
        case let other:
            throw TaggedCoding.unknownTag(
                other, key: "completion_type",
                expected: [
                    "completed", "completed_without_result", "callback_pending", "callback_batch_pending", "cancelled",
                    "abandoned", "abandoned_with_error", "completed_with_finalization_failure", "runtime_terminated",
                ], in: decoder)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(completionType, forKey: .completionType)
        switch self {
        case .completed(let result): try container.encode(result, forKey: .result)
        case .completedWithoutResult, .cancelled: break
        case .callbackPending(let toolUseID, let toolName, let args):
            try container.encode(toolUseID, forKey: .toolUseID)
            try container.encode(toolName, forKey: .toolName)
            try container.encode(args, forKey: .args)
        case .callbackBatchPending(let pendingToolCalls):
            try container.encode(pendingToolCalls, forKey: .pendingToolCalls)
        case .abandoned(let reason, let error), .abandonedWithError(let reason, let error),
            .runtimeTerminated(let reason, let error):
            try container.encode(reason, forKey: .reason)
            try container.encode(error, forKey: .error)
        case .completedWithFinalizationFailure(let error):
            try container.encode(error, forKey: .error)
        }
    }
}
