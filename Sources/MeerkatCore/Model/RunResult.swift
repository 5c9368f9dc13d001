import Foundation

/// Why a run ended, exposed on `RunResult` and run events.
public enum TerminalCauseKind: String, Sendable, Hashable, Codable, CaseIterable {
    case hookDenied = "hook_denied"
    case hookFailure = "hook_failure"
    case llmFailure = "llm_failure"
    case toolFailure = "tool_failure"
    case structuredOutputValidationFailed = "structured_output_validation_failed"
    case budgetExhausted = "budget_exhausted"
    case timeBudgetExceeded = "time_budget_exceeded"
    case retryExhausted = "retry_exhausted"
    case turnLimitReached = "turn_limit_reached"
    case runtimeApplyFailure = "runtime_apply_failure"
    case fatalFailure = "fatal_failure"
    case cancelled
    case unknown

    /// The coarse error class reported with failures.
    public var errorClass: ErrorClass {
        switch self {
        case .hookDenied, .hookFailure: .hook
        case .llmFailure, .retryExhausted: .llm
        case .toolFailure: .tool
        case .structuredOutputValidationFailed: .structuredOutput
        case .budgetExhausted, .timeBudgetExceeded: .budget
        case .turnLimitReached: .maxTurns
        case .cancelled: .cancelled
        case .runtimeApplyFailure, .fatalFailure, .unknown: .`internal`
        }
    }
}

/// Coarse class of a failure, used by surfaces to choose exit codes and status codes.
public enum ErrorClass: String, Sendable, Hashable, Codable, CaseIterable {
    case hook, llm, tool, budget, `internal`, cancelled
    case structuredOutput = "structured_output"
    case maxTurns = "max_turns"
}

/// A failure as reported on events and completion outcomes (`TurnErrorMetadata` in the runtime spec).
public struct ErrorReport: Sendable, Hashable, Codable, Error, CustomStringConvertible {
    public var errorClass: ErrorClass
    /// Machine-readable reason code, when there is one (e.g. `rate_limited`).
    public var reason: String?
    /// Human-readable explanation.
    public var message: String

    private enum CodingKeys: String, CodingKey { case errorClass = "class", reason, message }

    public init(errorClass: ErrorClass, reason: String? = nil, message: String) {
        self.errorClass = errorClass
        self.reason = reason
        self.message = message
    }

    public var description: String { message }
}

/// Why structured-output extraction failed.
public struct ExtractionError: Sendable, Hashable, Codable {
    /// The last model output that failed validation.
    public var lastOutput: String
    /// Extraction attempts made.
    public var attempts: Int
    /// Validator or parser message for the last attempt.
    public var reason: String

    private enum CodingKeys: String, CodingKey { case lastOutput = "last_output", attempts, reason }

    public init(lastOutput: String, attempts: Int, reason: String) {
        self.lastOutput = lastOutput
        self.attempts = attempts
        self.reason = reason
    }
}

/// The outcome of one successful run.
public struct RunResult: Sendable, Hashable, Codable {
    /// Text of the final assistant message of the main loop.
    public var text: String
    public var sessionID: SessionID
    /// Session-cumulative usage (not per run).
    public var usage: Usage
    /// LLM calls made by this run (extraction attempts included).
    public var turns: Int
    /// Tool calls executed by this run.
    public var toolCalls: Int
    /// Set when the run ended orderly for a reason other than a natural finish (budget, turn limit).
    public var terminalCauseKind: TerminalCauseKind?
    /// The validated structured output, when a schema was configured and extraction succeeded.
    public var structuredOutput: JSONValue?
    /// Why extraction failed, when it did (the run still succeeds).
    public var extractionError: ExtractionError?
    /// Warnings from lowering the output schema for the provider.
    public var schemaWarnings: [String]?

    private enum CodingKeys: String, CodingKey {
        case text, sessionID = "session_id", usage, turns, toolCalls = "tool_calls"
        case terminalCauseKind = "terminal_cause_kind", structuredOutput = "structured_output"
        case extractionError = "extraction_error", schemaWarnings = "schema_warnings"
    }

    public init(
        text: String, sessionID: SessionID, usage: Usage, turns: Int, toolCalls: Int,
        terminalCauseKind: TerminalCauseKind? = nil, structuredOutput: JSONValue? = nil,
        extractionError: ExtractionError? = nil, schemaWarnings: [String]? = nil
    ) {
        self.text = text
        self.sessionID = sessionID
        self.usage = usage
        self.turns = turns
        self.toolCalls = toolCalls
        self.terminalCauseKind = terminalCauseKind
        self.structuredOutput = structuredOutput
        self.extractionError = extractionError
        self.schemaWarnings = schemaWarnings
    }
}
