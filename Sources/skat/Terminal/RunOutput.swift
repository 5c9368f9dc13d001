import Foundation
import MeerkatService

/// The stable JSON printed by `skat run -o json` for each input (documented in docs/cli.md).
struct RunOutput: Encodable {
    var sessionID: SessionID
    var inputID: InputID
    /// The completion type: `completed`, `completed_without_result`, `cancelled`, `abandoned_with_error`, ...
    var status: String
    var deduplicated: Bool
    var text: String?
    var structuredOutput: JSONValue?
    var extractionError: ExtractionError?
    /// Session-cumulative usage; unreported counters are `null` (unknown), estimates are `estimated_tokens`.
    var usage: UsageReport?
    var turns: Int?
    var toolCalls: Int?
    var terminalCauseKind: TerminalCauseKind?
    var error: String?
    /// The outcome itself (not encoded), for the exit code.
    let outcome: CompletionOutcome

    private enum CodingKeys: String, CodingKey {
        case sessionID = "session_id", inputID = "input_id", status, deduplicated, text
        case structuredOutput = "structured_output", extractionError = "extraction_error", usage, turns
        case toolCalls = "tool_calls", terminalCauseKind = "terminal_cause_kind", error
    }

    init(session: SessionID, input: InputID, outcome: CompletionOutcome, deduplicated: Bool) {
        sessionID = session
        inputID = input
        self.outcome = outcome
        status = outcome.completionType
        self.deduplicated = deduplicated
        switch outcome {
        case .completed(let result):
            text = result.text
            structuredOutput = result.structuredOutput
            extractionError = result.extractionError
            usage = UsageReport(result.usage)
            turns = result.turns
            toolCalls = result.toolCalls
            terminalCauseKind = result.terminalCauseKind
        case .completedWithoutResult, .callbackPending, .callbackBatchPending:
            break
        case .cancelled:
            error = "the run was interrupted"
        case .abandoned(_, let report), .abandonedWithError(_, let report),
            .completedWithFinalizationFailure(let report),
            .runtimeTerminated(_, let report):
            error = report.message
        }
    }

    /// The exit code of this input's terminal outcome (docs/cli.md, "Exit codes").
    var exitCode: Int32 { Self.exitCode(for: outcome) }

    /// 0 completed, 1 failed (provider error, abandoned, finalization failure, runtime terminated), 2 budget or
    /// turn limit exhausted, 3 structured output failed validation after its retries, 130 interrupted.
    static func exitCode(for outcome: CompletionOutcome) -> Int32 {
        switch outcome {
        case .completed(let result):
            if result.extractionError != nil || result.terminalCauseKind == .structuredOutputValidationFailed {
                return SkatExit.structuredOutputInvalid
            }
            switch result.terminalCauseKind {
            case .budgetExhausted?, .timeBudgetExceeded?, .turnLimitReached?: return SkatExit.budgetExhausted
            default: return SkatExit.ok
            }
        case .completedWithoutResult, .callbackPending, .callbackBatchPending: return SkatExit.ok
        case .cancelled: return SkatExit.interrupted
        case .abandoned, .abandonedWithError, .completedWithFinalizationFailure, .runtimeTerminated:
            return SkatExit.error
        }
    }
}
