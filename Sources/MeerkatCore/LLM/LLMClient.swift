import Foundation

/// A tool as advertised to the model.
public struct ToolDefinition: Sendable, Hashable, Codable {
    public var name: String
    public var description: String
    /// JSON Schema of the arguments object.
    public var inputSchema: JSONValue

    private enum CodingKeys: String, CodingKey { case name, description, inputSchema = "input_schema" }

    public init(name: String, description: String, inputSchema: JSONValue) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
    }
}

/// A structured-output request passed to a provider's native slot during extraction.
public struct OutputFormat: Sendable, Hashable {
    /// Schema name (providers require one; defaults to `output`).
    public var name: String
    /// The JSON Schema (root is an object).
    public var schema: JSONValue
    /// Ask the provider for strict schema adherence.
    public var strict: Bool

    public init(name: String = "output", schema: JSONValue, strict: Bool = false) {
        self.name = name
        self.schema = schema
        self.strict = strict
    }
}

/// One streaming model call.
public struct LLMRequest: Sendable, Hashable {
    public var model: String
    /// Canonical transcript to send, request-only context already placed.
    public var messages: [Message]
    public var tools: [ToolDefinition]
    public var maxTokens: Int
    public var temperature: Double?
    public var stopSequences: [String]?
    /// Provider-specific body fields.
    public var providerParams: JSONValue?
    /// Native structured-output slot, when the caller wants one.
    public var outputFormat: OutputFormat?

    public init(
        model: String, messages: [Message], tools: [ToolDefinition] = [], maxTokens: Int = 4096,
        temperature: Double? = nil, stopSequences: [String]? = nil, providerParams: JSONValue? = nil,
        outputFormat: OutputFormat? = nil
    ) {
        self.model = model
        self.messages = messages
        self.tools = tools
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.stopSequences = stopSequences
        self.providerParams = providerParams
        self.outputFormat = outputFormat
    }
}

/// How a stream ended.
public enum LLMStreamOutcome: Sendable, Hashable {
    case success(StopReason)
    case failure(LLMError)
}

/// A normalised streaming event, the same for every provider.
public enum LLMEvent: Sendable, Hashable {
    /// Visible answer text.
    case textDelta(String, meta: ProviderMeta? = nil)
    /// Thinking text.
    case reasoningDelta(String)
    /// A complete thinking block with its continuity meta.
    case reasoningComplete(text: String, meta: ProviderMeta?)
    /// A fragment of a tool call's arguments.
    case toolCallDelta(id: String, name: String?, argsDelta: String)
    /// A complete tool call with its raw JSON arguments.
    case toolCallComplete(id: String, name: String, args: String, meta: ProviderMeta?)
    /// Usage counters so far (the latest update wins).
    case usage(Usage)
    /// A keep-alive: only feeds the inactivity watchdog.
    case liveness
    /// The end of the stream.
    case done(LLMStreamOutcome)
}

/// A streaming connection to one LLM provider.
public protocol LLMClient: Sendable {
    /// Provider name (`anthropic`, `openai`, `gemini`, `self_hosted`, `scripted`).
    var provider: String { get }
    /// Starts one call. The stream ends with `.done`; a stream that ends without it is an incomplete response.
    /// Cancelling the consuming task closes the connection.
    func stream(_ request: LLMRequest) -> AsyncStream<LLMEvent>
}

/// A typed provider failure with retryability and an optional retry-after hint.
public struct LLMError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Classified failure kind.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case rateLimited = "rate_limited"
        case serverOverloaded = "server_overloaded"
        case networkTimeout = "network_timeout"
        case connectionReset = "connection_reset"
        case serverError = "server_error"
        case callTimeout = "call_timeout"
        case streamStalled = "stream_stalled"
        case invalidRequest = "invalid_request"
        case requestTooLarge = "request_too_large"
        case invalidInputShape = "invalid_input_shape"
        case invalidConfig = "invalid_config"
        case authenticationFailed = "authentication_failed"
        case contentFiltered = "content_filtered"
        case contextLengthExceeded = "context_length_exceeded"
        case modelNotFound = "model_not_found"
        case invalidAPIKey = "invalid_api_key"
        case quotaExceeded = "quota_exceeded"
        case streamParseError = "stream_parse_error"
        case incompleteResponse = "incomplete_response"
        case unknown

        /// Whether a retry may succeed.
        public var isRetryable: Bool {
            switch self {
            case .rateLimited, .serverOverloaded, .networkTimeout, .connectionReset, .serverError, .callTimeout,
                .streamStalled, .unknown:
                true
            case .invalidRequest, .requestTooLarge, .invalidInputShape, .invalidConfig, .authenticationFailed,
                .contentFiltered, .contextLengthExceeded, .modelNotFound, .invalidAPIKey, .quotaExceeded,
                .streamParseError, .incompleteResponse:
                false
            }
        }
    }

    public var kind: Kind
    public var message: String
    /// HTTP status, when the failure came from one.
    public var status: Int?
    /// Provider's retry-after hint.
    public var retryAfter: Duration?
    /// Explicit override of retryability (e.g. `x-should-retry`); nil = decided by `kind`.
    public var retryableOverride: Bool?
    /// At most this many retries, whatever the retry policy allows (a refused connection is retried once).
    public var maxRetries: Int?
    /// The provider's whole error text when `message` is only its first line (multi-line bodies, tracebacks): for
    /// code that must recognise what the server objected to, never for display.
    public var detail: String?

    public init(
        _ kind: Kind, _ message: String, status: Int? = nil, retryAfter: Duration? = nil,
        retryableOverride: Bool? = nil
    ) {
        self.kind = kind
        self.message = message
        self.status = status
        self.retryAfter = retryAfter
        self.retryableOverride = retryableOverride
    }

    /// Whether the agent should retry this call.
    public var isRetryable: Bool { retryableOverride ?? kind.isRetryable }

    public var description: String {
        var text = "\(kind.rawValue): \(message)"
        if let status { text += " (HTTP \(status))" }
        return text
    }
}
