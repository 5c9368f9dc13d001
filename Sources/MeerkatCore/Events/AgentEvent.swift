public import Foundation

/// What a run started from.
public enum RunInputDescriptor: Sendable, Hashable {
    /// New user content.
    case content(ContentInput)
    /// Continuing from tool results already at the transcript tail.
    case pendingToolResults
}

/// Which budget a warning is about.
public enum BudgetType: String, Sendable, Hashable, Codable {
    case tokens, time
    case toolCalls = "tool_calls"
}

/// A retry the agent is about to make, reported before it sleeps.
public struct RetrySchedule: Sendable, Hashable, Codable {
    /// `rate_limited`, `network_timeout`, `call_timeout` or `retryable_provider_error`.
    public var failureKind: String
    public var provider: String
    public var message: String
    /// The provider's retry-after hint, if any.
    public var hintMS: Int64?
    /// Backoff computed from the policy (with jitter).
    public var computedDelayMS: Int64
    /// The delay actually used (hint, 429 floor and time budget applied).
    public var selectedDelayMS: Int64
    /// 1-based number of this retry.
    public var attempt: Int
    public var maxRetries: Int

    private enum CodingKeys: String, CodingKey {
        case failureKind = "failure_kind", provider, message, hintMS = "hint_ms"
        case computedDelayMS = "computed_delay_ms", selectedDelayMS = "selected_delay_ms", attempt
        case maxRetries = "max_retries"
    }

    public init(
        failureKind: String, provider: String, message: String, hintMS: Int64?, computedDelayMS: Int64,
        selectedDelayMS: Int64, attempt: Int, maxRetries: Int
    ) {
        self.failureKind = failureKind
        self.provider = provider
        self.message = message
        self.hintMS = hintMS
        self.computedDelayMS = computedDelayMS
        self.selectedDelayMS = selectedDelayMS
        self.attempt = attempt
        self.maxRetries = maxRetries
    }
}

/// Everything an agent reports while it runs (serialised with `"type": "<snake_case>"`, fields inline).
public enum AgentEvent: Sendable, Hashable {
    case runStarted(sessionID: SessionID, input: RunInputDescriptor)
    /// Before each LLM call of the main loop (1-based within the run).
    case turnStarted(turnNumber: Int)
    case reasoningDelta(String)
    case reasoningComplete(String)
    case textDelta(String)
    /// Full text of a committed assistant message.
    case textComplete(String)
    case toolCallRequested(id: String, name: String, args: JSONValue)
    case toolExecutionStarted(id: String, name: String)
    case toolExecutionCompleted(id: String, name: String, content: [ContentBlock], isError: Bool, durationMS: Int64)
    case toolExecutionTimedOut(id: String, name: String, timeoutMS: Int64)
    case toolResultReceived(id: String, name: String, content: [ContentBlock], isError: Bool)
    /// The final LLM call of a run was committed; `usage` is that call's.
    case turnCompleted(stopReason: StopReason, usage: Usage?)
    /// After every LLM call: that call's usage (an estimate only, when the provider reported none) and the
    /// session-cumulative usage.
    case usageUpdated(call: Usage, session: Usage)
    /// Successful run end; `usage` is session-cumulative.
    case runCompleted(
        sessionID: SessionID, result: String, structuredOutput: JSONValue?, extractionRequired: Bool, usage: Usage,
        terminalCauseKind: TerminalCauseKind?)
    case runFailed(sessionID: SessionID, errorReport: ErrorReport, terminalCauseKind: TerminalCauseKind?)
    case budgetWarning(budgetType: BudgetType, used: Double, limit: Double, percent: Double)
    case retrying(RetrySchedule)
    case extractionSucceeded(structuredOutput: JSONValue, schemaWarnings: [String]?)
    case extractionFailed(lastOutput: String, attempts: Int, reason: String)
    /// This subscriber fell behind and `dropped` events were discarded for it.
    case streamTruncated(dropped: Int)
    /// A compaction began: the last reported input tokens (nil when none since the last compaction or restart), the
    /// estimated tokens of the next request, and the rows in the context.
    case compactionStarted(inputTokens: Int?, estimatedHistoryTokens: Int, messageCount: Int)
    /// A compaction committed its summary and switched the context.
    case compactionCompleted(
        summaryTokens: Int, messagesBefore: Int, messagesAfter: Int, tokensBefore: Int, tokensAfter: Int)
    /// A compaction failed; the context is unchanged.
    case compactionFailed(reason: String)

    /// The wire `type` name.
    public var type: String {
        switch self {
        case .runStarted: "run_started"
        case .turnStarted: "turn_started"
        case .reasoningDelta: "reasoning_delta"
        case .reasoningComplete: "reasoning_complete"
        case .textDelta: "text_delta"
        case .textComplete: "text_complete"
        case .toolCallRequested: "tool_call_requested"
        case .toolExecutionStarted: "tool_execution_started"
        case .toolExecutionCompleted: "tool_execution_completed"
        case .toolExecutionTimedOut: "tool_execution_timed_out"
        case .toolResultReceived: "tool_result_received"
        case .turnCompleted: "turn_completed"
        case .usageUpdated: "usage_updated"
        case .runCompleted: "run_completed"
        case .runFailed: "run_failed"
        case .budgetWarning: "budget_warning"
        case .retrying: "retrying"
        case .extractionSucceeded: "extraction_succeeded"
        case .extractionFailed: "extraction_failed"
        case .streamTruncated: "stream_truncated"
        case .compactionStarted: "compaction_started"
        case .compactionCompleted: "compaction_completed"
        case .compactionFailed: "compaction_failed"
        }
    }
}

extension AgentEvent: Codable {
    private static func value(_ encodable: some Encodable) throws -> JSONValue {
        try WireJSON.toJSONValue(encodable)
    }

    /// The event as one flat JSON object including `type`.
    public func jsonObject() throws -> [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        switch self {
        case .runStarted(let sessionID, let input):
            fields["session_id"] = .string(sessionID.description)
            switch input {
            case .content(let content): fields["input"] = ["kind": "content", "content": try Self.value(content)]
            case .pendingToolResults: fields["input"] = ["kind": "pending_tool_results"]
            }
        case .turnStarted(let number): fields["turn_number"] = .number(Double(number))
        case .reasoningDelta(let delta), .textDelta(let delta): fields["delta"] = .string(delta)
        case .reasoningComplete(let content), .textComplete(let content): fields["content"] = .string(content)
        case .toolCallRequested(let id, let name, let args):
            fields = ["id": .string(id), "name": .string(name), "args": args]
        case .toolExecutionStarted(let id, let name):
            fields = ["id": .string(id), "name": .string(name)]
        case .toolExecutionCompleted(let id, let name, let content, let isError, let duration):
            fields = [
                "id": .string(id), "name": .string(name), "content": try Self.value(content),
                "is_error": .bool(isError),
                "duration_ms": .number(Double(duration)),
            ]
        case .toolExecutionTimedOut(let id, let name, let timeout):
            fields = ["id": .string(id), "name": .string(name), "timeout_ms": .number(Double(timeout))]
        case .toolResultReceived(let id, let name, let content, let isError):
            fields = [
                "id": .string(id), "name": .string(name), "content": try Self.value(content),
                "is_error": .bool(isError),
            ]
        case .turnCompleted(let stopReason, let usage):
            fields["stop_reason"] = .string(stopReason.rawValue)
            if let usage { fields["usage"] = try Self.value(usage) }
        case .usageUpdated(let call, let total):
            fields = ["usage": try Self.value(call), "session_usage": try Self.value(total)]
        case .runCompleted(let sessionID, let result, let structured, let required, let usage, let cause):
            fields = [
                "session_id": .string(sessionID.description), "result": .string(result),
                "extraction_required": .bool(required), "usage": try Self.value(usage),
            ]
            if let structured { fields["structured_output"] = structured }
            if let cause { fields["terminal_cause_kind"] = .string(cause.rawValue) }
        case .runFailed(let sessionID, let report, let cause):
            fields = ["session_id": .string(sessionID.description), "error_report": try Self.value(report)]
            if let cause { fields["terminal_cause_kind"] = .string(cause.rawValue) }
        case .budgetWarning(let type, let used, let limit, let percent):
            fields = [
                "budget_type": .string(type.rawValue), "used": .number(used), "limit": .number(limit),
                "percent": .number(percent),
            ]
        case .retrying(let schedule): fields["retry"] = try Self.value(schedule)
        case .extractionSucceeded(let output, let warnings):
            fields["structured_output"] = output
            if let warnings { fields["schema_warnings"] = .array(warnings.map(JSONValue.string)) }
        case .extractionFailed(let lastOutput, let attempts, let reason):
            fields = [
                "last_output": .string(lastOutput), "attempts": .number(Double(attempts)), "reason": .string(reason),
            ]
        case .streamTruncated(let dropped):
            fields["reason"] = ["kind": "stream_lagged", "dropped": .number(Double(dropped))]
        case .compactionStarted(let input, let estimated, let count):
            fields = ["estimated_history_tokens": .number(Double(estimated)), "message_count": .number(Double(count))]
            if let input { fields["input_tokens"] = .number(Double(input)) }
        case .compactionCompleted(let summary, let before, let after, let tokensBefore, let tokensAfter):
            fields = [
                "summary_tokens": .number(Double(summary)), "messages_before": .number(Double(before)),
                "messages_after": .number(Double(after)), "tokens_before": .number(Double(tokensBefore)),
                "tokens_after": .number(Double(tokensAfter)),
            ]
        case .compactionFailed(let reason): fields["reason"] = .string(reason)
        }
        fields["type"] = .string(type)
        return fields
    }

    public func encode(to encoder: any Encoder) throws {
        try JSONValue.object(jsonObject()).encode(to: encoder)
    }

    public init(from decoder: any Decoder) throws {
        let object = try JSONValue(from: decoder)
        guard let fields = object.objectValue, let type = fields["type"]?.stringValue else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "event without type"))
        }
        func field<T: Decodable>(_ name: String, _: T.Type = T.self) throws -> T {
            guard let value = fields[name] else {
                throw DecodingError.keyNotFound(
                    AnyCodingKey(name),
                    .init(codingPath: decoder.codingPath, debugDescription: "\(type) needs '\(name)'"))
            }
            return try WireJSON.fromJSONValue(value)
        }
        func optional<T: Decodable>(_ name: String, _: T.Type = T.self) throws -> T? {
            guard let value = fields[name], value != .null else { return nil }
            return try WireJSON.fromJSONValue(value)
        }
        switch type {
        case "run_started":
            let input: JSONValue = try field("input")
            let descriptor: RunInputDescriptor =
                input["kind"]?.stringValue == "pending_tool_results"
                ? .pendingToolResults : .content(try WireJSON.fromJSONValue(input["content"] ?? .string("")))
            self = .runStarted(sessionID: try field("session_id"), input: descriptor)
        case "turn_started": self = .turnStarted(turnNumber: try field("turn_number"))
        case "reasoning_delta": self = .reasoningDelta(try field("delta"))
        case "reasoning_complete": self = .reasoningComplete(try field("content"))
        case "text_delta": self = .textDelta(try field("delta"))
        case "text_complete": self = .textComplete(try field("content"))
        case "tool_call_requested":
            self = .toolCallRequested(id: try field("id"), name: try field("name"), args: try field("args"))
        case "tool_execution_started": self = .toolExecutionStarted(id: try field("id"), name: try field("name"))
        case "tool_execution_completed":
            self = .toolExecutionCompleted(
                id: try field("id"), name: try field("name"), content: try field("content"),
                isError: try field("is_error"), durationMS: try field("duration_ms"))
        case "tool_execution_timed_out":
            self = .toolExecutionTimedOut(
                id: try field("id"), name: try field("name"), timeoutMS: try field("timeout_ms"))
        case "tool_result_received":
            self = .toolResultReceived(
                id: try field("id"), name: try field("name"), content: try field("content"),
                isError: try field("is_error"))
        case "turn_completed": self = .turnCompleted(stopReason: try field("stop_reason"), usage: try optional("usage"))
        case "usage_updated": self = .usageUpdated(call: try field("usage"), session: try field("session_usage"))
        case "run_completed":
            self = .runCompleted(
                sessionID: try field("session_id"), result: try field("result"),
                structuredOutput: try optional("structured_output"),
                extractionRequired: try field("extraction_required"),
                usage: try field("usage"), terminalCauseKind: try optional("terminal_cause_kind"))
        case "run_failed":
            self = .runFailed(
                sessionID: try field("session_id"), errorReport: try field("error_report"),
                terminalCauseKind: try optional("terminal_cause_kind"))
        case "budget_warning":
            self = .budgetWarning(
                budgetType: try field("budget_type"), used: try field("used"), limit: try field("limit"),
                percent: try field("percent"))
        case "retrying": self = .retrying(try field("retry"))
        case "extraction_succeeded":
            self = .extractionSucceeded(
                structuredOutput: try field("structured_output"), schemaWarnings: try optional("schema_warnings"))
        case "extraction_failed":
            self = .extractionFailed(
                lastOutput: try field("last_output"), attempts: try field("attempts"), reason: try field("reason"))
        case "stream_truncated":
            let reason: JSONValue = try field("reason")
            self = .streamTruncated(dropped: reason["dropped"]?.intValue ?? 0)
        case "compaction_started":
            self = .compactionStarted(
                inputTokens: try optional("input_tokens"),
                estimatedHistoryTokens: try field("estimated_history_tokens"),
                messageCount: try field("message_count"))
        case "compaction_completed":
            self = .compactionCompleted(
                summaryTokens: try field("summary_tokens"), messagesBefore: try field("messages_before"),
                messagesAfter: try field("messages_after"), tokensBefore: try field("tokens_before"),
                tokensAfter: try field("tokens_after"))
        case "compaction_failed": self = .compactionFailed(reason: try field("reason"))
        default:
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "unknown event type '\(type)'"))
        }
    }
}

/// An event with its stream position: `seq` increases by one per published event of a session.
public struct EventEnvelope: Sendable, Hashable, Codable {
    public var eventID: UUID
    /// Who published it (`session:<id>`).
    public var source: String
    public var seq: UInt64
    public var timestampMS: Int64
    public var payload: AgentEvent

    private enum CodingKeys: String, CodingKey {
        case eventID = "event_id", source, seq, timestampMS = "timestamp_ms", payload
    }

    public init(eventID: UUID = UUIDv7.make(), source: String, seq: UInt64, timestampMS: Int64, payload: AgentEvent) {
        self.eventID = eventID
        self.source = source
        self.seq = seq
        self.timestampMS = timestampMS
        self.payload = payload
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        eventID = UUID(canonicalText: try container.decode(String.self, forKey: .eventID)) ?? UUID()
        source = try container.decode(String.self, forKey: .source)
        seq = try container.decode(UInt64.self, forKey: .seq)
        timestampMS = try container.decode(Int64.self, forKey: .timestampMS)
        payload = try container.decode(AgentEvent.self, forKey: .payload)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(eventID.lowercaseText, forKey: .eventID)
        try container.encode(source, forKey: .source)
        try container.encode(seq, forKey: .seq)
        try container.encode(timestampMS, forKey: .timestampMS)
        try container.encode(payload, forKey: .payload)
    }
}

extension AgentEvent: SessionEventSource {
    /// The payload in `WireJSON`'s encoding, as a session's event log stores it.
    public func logJSON() throws -> JSONValue { try WireJSON.toJSONValue(self) }
}
