import Foundation

/// Optional limits on what an agent may spend (AGENT.md §1.4). nil = unlimited.
public struct BudgetLimits: Sendable, Hashable {
    /// Total tokens over the agent's lifetime; orderly stop when reached.
    public var maxTokens: Int?
    /// Tool calls over the agent's lifetime; orderly stop when reached.
    public var maxToolCalls: Int?
    /// Wall time since the agent was built (never re-armed); hard failure when exceeded.
    public var maxDuration: Duration?
    /// Wall time of one run; hard failure when exceeded, checked between segments (never kills a tool).
    public var maxTurnDuration: Duration?

    public init(
        maxTokens: Int? = nil, maxToolCalls: Int? = nil, maxDuration: Duration? = nil, maxTurnDuration: Duration? = nil
    ) {
        self.maxTokens = maxTokens
        self.maxToolCalls = maxToolCalls
        self.maxDuration = maxDuration
        self.maxTurnDuration = maxTurnDuration
    }
}

/// How failed model calls are retried (AGENT.md §1.5).
public struct RetryPolicy: Sendable, Hashable {
    public var maxRetries: Int = 3
    public var initialDelay: Duration = .milliseconds(500)
    public var maxDelay: Duration = .seconds(30)
    public var multiplier: Double = 2.0
    /// Relative jitter applied to the computed backoff (0.1 = ±10 %).
    public var jitter: Double = 0.1
    /// Minimum delay after a rate limit that came without a larger retry-after hint.
    public var rateLimitFloor: Duration = .seconds(30)
    /// Hard limit on one model call; nil = none.
    public var callTimeout: Duration?
    /// Abort a stream that shows no activity (events or keep-alives) for this long; nil = disabled.
    public var streamInactivityTimeout: Duration? = .seconds(300)

    public init() {}

    /// The backoff for retry number `attempt` (1-based) before hints and floors, with `jitterSample` in -1...1.
    public func backoff(attempt: Int, jitterSample: Double) -> Duration {
        let base = initialDelay.seconds * pow(multiplier, Double(max(0, attempt - 1)))
        let jittered = base * (1 + jitter * max(-1, min(1, jitterSample)))
        return min(.milliseconds(Int64((jittered * 1000).rounded())), maxDelay)
    }
}

/// How tool calls of one assistant message are executed.
public struct ToolExecutionPolicy: Sendable, Hashable {
    /// Calls running at once.
    public var maxConcurrent: Int = 10
    /// Timeout of a call without a specific one.
    public var defaultTimeout: Duration = .seconds(600)
    /// Per-tool timeouts by tool name.
    public var timeouts: [String: Duration] = [:]

    public init(maxConcurrent: Int = 10, defaultTimeout: Duration = .seconds(600), timeouts: [String: Duration] = [:]) {
        self.maxConcurrent = maxConcurrent
        self.defaultTimeout = defaultTimeout
        self.timeouts = timeouts
    }

    /// The timeout for a tool.
    public func timeout(for tool: String) -> Duration { timeouts[tool] ?? defaultTimeout }
}

/// A JSON Schema for structured output, checked when constructed (AGENT.md §1.7).
public struct OutputSchema: Sendable, Hashable {
    public let schema: JSONValue
    public let name: String
    public let strict: Bool
    let validator: JSONSchemaValidator

    /// Accepts a raw JSON Schema or a wrapper `{"schema": {...}, "name": "...", "strict": bool}`.
    /// The schema must be a JSON object describing an object (`type` absent or `"object"`).
    public init(json: JSONValue) throws(OutputSchemaError) {
        var schema = json
        var name = "output"
        var strict = false
        if case .object(let members) = json, let inner = members["schema"], case .object = inner {
            schema = inner
            if let given = members["name"]?.stringValue, !given.isEmpty { name = given }
            strict = members["strict"]?.boolValue ?? false
        }
        try self.init(schema: schema, name: name, strict: strict)
    }

    /// A schema with an explicit name and strictness.
    public init(schema: JSONValue, name: String = "output", strict: Bool = false) throws(OutputSchemaError) {
        guard case .object(let members) = schema else {
            throw OutputSchemaError("output_schema must be a JSON object, got \(schema.typeName)")
        }
        if let type = members["type"], type != .string("object") {
            throw OutputSchemaError(
                "output_schema root must describe an object (\"type\": \"object\"), got type \(type.compactText())")
        }
        do {
            self.validator = try JSONSchemaValidator(schema: schema)
        } catch {
            throw OutputSchemaError("output_schema is not a usable JSON Schema: \(error.message)")
        }
        self.schema = schema
        self.name = name
        self.strict = strict
    }

    public static func == (lhs: OutputSchema, rhs: OutputSchema) -> Bool {
        lhs.schema == rhs.schema && lhs.name == rhs.name && lhs.strict == rhs.strict
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(schema)
        hasher.combine(name)
        hasher.combine(strict)
    }
}

/// An unusable output schema.
public struct OutputSchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Everything that shapes an agent's runs.
public struct AgentConfig: Sendable, Hashable {
    public var model: String
    /// Output tokens per LLM call.
    public var maxTokensPerTurn: Int = 16384
    public var temperature: Double?
    public var providerParams: JSONValue?
    /// LLM calls per run.
    public var maxTurns: Int = 100
    public var budget = BudgetLimits()
    /// Fraction of a budget at which a `budget_warning` fires.
    public var budgetWarningThreshold: Double = 0.8
    public var retry = RetryPolicy()
    public var toolExecution = ToolExecutionPolicy()
    /// Structured output schema for every run (a run may override it).
    public var outputSchema: OutputSchema?
    /// Extra extraction attempts after the first.
    public var structuredOutputRetries: Int = 2
    /// Automatic compaction (AGENT.md §1.8); nil = never compact automatically (context-length errors from the
    /// provider and manual requests still compact, with default settings).
    public var compaction: CompactionPolicy?

    public init(model: String) {
        self.model = model
    }
}

/// Per-run options.
public struct RunOptions: Sendable {
    /// Run id to use (minted when nil).
    public var runID: RunID?
    /// Host context rows placed before the user message (transcript role `injected_context`).
    public var injectedContext: [ContentInput]
    /// Asked for steer context at every boundary between LLM calls.
    public var checkpoint: any RunCheckpoint
    /// Overrides for this run (model, provider params, tool overlay, extra instructions).
    public var turnMetadata: RuntimeTurnMetadata?
    /// Output schema for this run (overrides the config's).
    public var outputSchema: OutputSchema?

    public init(
        runID: RunID? = nil, injectedContext: [ContentInput] = [], checkpoint: any RunCheckpoint = NoCheckpoint(),
        turnMetadata: RuntimeTurnMetadata? = nil, outputSchema: OutputSchema? = nil
    ) {
        self.runID = runID
        self.injectedContext = injectedContext
        self.checkpoint = checkpoint
        self.turnMetadata = turnMetadata
        self.outputSchema = outputSchema
    }
}

/// A failed run: why it ended and a report for users.
public struct AgentError: Error, Sendable, Hashable, CustomStringConvertible {
    public var cause: TerminalCauseKind
    public var report: ErrorReport
    /// The provider error behind an LLM failure.
    public var llmError: LLMError?

    public init(cause: TerminalCauseKind, message: String, reason: String? = nil, llmError: LLMError? = nil) {
        self.cause = cause
        self.report = ErrorReport(errorClass: cause.errorClass, reason: reason ?? cause.rawValue, message: message)
        self.llmError = llmError
    }

    /// The run was cancelled.
    public static let cancelled = AgentError(cause: .cancelled, message: "the run was cancelled")

    public var description: String { report.message }
}
