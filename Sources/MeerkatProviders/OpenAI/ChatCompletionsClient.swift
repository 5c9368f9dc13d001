public import Foundation
public import MeerkatCore

/// An `LLMClient` for OpenAI Chat Completions and the OpenAI-compatible self-hosted servers (Ollama, llama.cpp,
/// vLLM; PROVIDERS.md §2, §5). Server quirks are absorbed by tolerant parsing, not by flags: missing tool-call
/// ids, usage in the finish chunk or in a trailing chunk, no `[DONE]`, reasoning in `reasoning_content` or
/// `reasoning`, and the error envelopes of each server.
public struct ChatCompletionsClient: LLMClient, CustomStringConvertible {
    /// Which body field carries the output limit.
    public enum MaxTokensField: String, Sendable, Hashable {
        /// OpenAI's current field (reasoning models reject `max_tokens`).
        case maxCompletionTokens = "max_completion_tokens"
        /// The legacy field most self-hosted servers understand.
        case maxTokens = "max_tokens"
    }

    /// The default API base (with `/v1`).
    public static let defaultBaseURL = "https://api.openai.com/v1"

    public var provider: String { providerKind.rawValue }
    /// The base requests go to (normalised to end in exactly one `/v1`).
    public let baseURL: String
    private let providerKind: ProviderKind
    private let apiKey: APIKey?
    private let maxTokensField: MaxTokensField
    private let modelOverride: String?
    private let organization: String?
    private let project: String?
    private let transport: HTTPTransport
    private let timeouts: StreamTimeouts
    /// How structured output is requested; nil = always `json_schema` (OpenAI).
    private let negotiation: StructuredOutputNegotiation?
    /// The previous request's encoded messages (one client serves one conversation; copies share it).
    private let encodedMessages = EncodedMessages<[UInt8]>()

    /// Creates a client.
    /// - Parameters:
    ///   - apiKey: nil sends no `Authorization` header (keyless servers such as Ollama).
    ///   - baseURL: overrides `OPENAI_BASE_URL` from `environment` (OpenAI only), which overrides the default.
    ///     `http://host:port`, `.../v1` and `.../v1/` all work.
    ///   - provider: `.openai` or `.selfHosted`.
    ///   - modelOverride: model name sent on the wire instead of the request's (self-hosted aliases).
    public init(
        apiKey: APIKey?, baseURL: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: HTTPTransport = .shared, timeouts: StreamTimeouts = StreamTimeouts(),
        provider: ProviderKind = .openai, maxTokensField: MaxTokensField = .maxCompletionTokens,
        modelOverride: String? = nil, organization: String? = nil, project: String? = nil,
        structuredOutput: SelfHostedModel.StructuredOutputMode? = nil
    ) {
        let base = BaseURL.resolve(
            baseURL, environmentKey: provider == .openai ? "OPENAI_BASE_URL" : nil, environment: environment,
            default: Self.defaultBaseURL)
        self.baseURL = BaseURL.ensuring("v1", on: base)
        self.providerKind = provider
        self.apiKey = apiKey
        self.maxTokensField = maxTokensField
        self.modelOverride = modelOverride
        self.organization = organization
        self.project = project
        self.transport = transport
        self.timeouts = timeouts
        self.negotiation = structuredOutput.map { StructuredOutputNegotiation(initial: $0) }
    }

    /// A client for an OpenAI-compatible self-hosted server (`max_tokens`, optional key, provider `self_hosted`).
    /// - Parameter structuredOutput: the first structured-output mode tried; weaker ones follow when the server
    ///   refuses it (see `StructuredOutputNegotiation`).
    public static func selfHosted(
        baseURL: String, apiKey: APIKey? = nil, modelOverride: String? = nil, transport: HTTPTransport = .shared,
        timeouts: StreamTimeouts = StreamTimeouts(),
        structuredOutput: SelfHostedModel.StructuredOutputMode = .jsonSchema
    ) -> ChatCompletionsClient {
        ChatCompletionsClient(
            apiKey: apiKey, baseURL: baseURL, environment: [:], transport: transport, timeouts: timeouts,
            provider: .selfHosted, maxTokensField: .maxTokens, modelOverride: modelOverride,
            structuredOutput: structuredOutput)
    }

    /// The structured-output mode the next call uses (self-hosted servers), nil for OpenAI.
    public var structuredOutputMode: SelfHostedModel.StructuredOutputMode? { negotiation?.current }

    public var description: String {
        "ChatCompletionsClient(\(provider), \(baseURL), \(apiKey.map(String.init(describing:)) ?? "no key"))"
    }

    /// The request body this client sends for `request`.
    public func wireBody(for request: LLMRequest) throws(LLMError) -> JSONValue {
        try wireBody(for: request, structuredOutput: negotiation?.current ?? .jsonSchema)
    }

    func wireBody(for request: LLMRequest, structuredOutput: SelfHostedModel.StructuredOutputMode) throws(LLMError)
        -> JSONValue
    {
        try ChatCompletionsRequestBuilder.body(
            for: wireRequest(request), maxTokensField: maxTokensField, structuredOutput: structuredOutput)
    }

    private func wireRequest(_ request: LLMRequest) -> LLMRequest {
        guard let modelOverride else { return request }
        var request = request
        request.model = modelOverride
        return request
    }

    public func stream(_ request: LLMRequest) -> AsyncStream<LLMEvent> {
        guard request.outputFormat != nil, let negotiation, negotiation.current != .promptOnly else {
            return stream(request, structuredOutput: negotiation?.current ?? .jsonSchema)
        }
        // A refused `response_format` is retried at once in the next weaker mode, before any event was passed on.
        return AsyncStream { continuation in
            let task = Task {
                var mode = negotiation.current
                while true {
                    var refused = false
                    var passedOn = false
                    for await event in stream(request, structuredOutput: mode) {
                        if !passedOn, case .done(.failure(let error)) = event,
                            StructuredOutputNegotiation.isFormatRefusal(error), mode.fallback != nil
                        {
                            refused = true
                            break
                        }
                        passedOn = true
                        continuation.yield(event)
                    }
                    guard refused, let next = negotiation.downgrade(from: mode) else { break }
                    mode = next
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func stream(_ request: LLMRequest, structuredOutput: SelfHostedModel.StructuredOutputMode)
        -> AsyncStream<LLMEvent>
    {
        let body: [UInt8]
        do {
            body = try ChatCompletionsRequestBuilder.bodyBytes(
                for: wireRequest(request), maxTokensField: maxTokensField, structuredOutput: structuredOutput,
                cache: encodedMessages)
        } catch {
            return SSEStreamDriver.failed(error)
        }
        let headers = OpenAIHeaders.make(apiKey: apiKey, organization: organization, project: project)
        let httpRequest = ProviderHTTPRequest(
            url: baseURL + "/chat/completions", headers: headers, body: body)
        return SSEStreamDriver.start(
            httpRequest, decoder: ChatCompletionsStreamDecoder(), transport: transport, timeouts: timeouts)
    }
}
