public import Foundation
public import MeerkatCore

/// An `LLMClient` for the OpenAI Responses API, used statelessly (`store: false`) with encrypted reasoning
/// replayed from `ProviderMeta` (PROVIDERS.md §3).
public struct OpenAIResponsesClient: LLMClient, CustomStringConvertible {
    /// The default API base (with `/v1`).
    public static let defaultBaseURL = "https://api.openai.com/v1"

    public var provider: String { providerKind.rawValue }
    /// The base requests go to (normalised to end in exactly one `/v1`).
    public let baseURL: String
    private let providerKind: ProviderKind
    private let apiKey: APIKey?
    private let organization: String?
    private let project: String?
    private let modelOverride: String?
    private let transport: HTTPTransport
    private let timeouts: StreamTimeouts
    /// The previous request's encoded rows (one client serves one conversation; copies share it).
    private let encodedRows = EncodedMessages<[UInt8]>()

    /// Creates a client.
    /// - Parameters:
    ///   - apiKey: nil sends no `Authorization` header (keyless self-hosted servers).
    ///   - baseURL: overrides `OPENAI_BASE_URL` from `environment` (OpenAI only), which overrides the default.
    ///   - provider: `.openai`, or `.selfHosted` for an OpenAI-compatible server speaking Responses.
    ///   - modelOverride: model name sent on the wire instead of the request's (self-hosted aliases).
    public init(
        apiKey: APIKey?, baseURL: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: HTTPTransport = .shared, timeouts: StreamTimeouts = StreamTimeouts(),
        provider: ProviderKind = .openai, organization: String? = nil, project: String? = nil,
        modelOverride: String? = nil
    ) {
        let base = BaseURL.resolve(
            baseURL, environmentKey: provider == .openai ? "OPENAI_BASE_URL" : nil, environment: environment,
            default: Self.defaultBaseURL)
        self.baseURL = BaseURL.ensuring("v1", on: base)
        self.providerKind = provider
        self.apiKey = apiKey
        self.organization = organization
        self.project = project
        self.modelOverride = modelOverride
        self.transport = transport
        self.timeouts = timeouts
    }

    public var description: String {
        "OpenAIResponsesClient(\(baseURL), \(apiKey.map(String.init(describing:)) ?? "no key"))"
    }

    /// The request body this client sends for `request`.
    public func wireBody(for request: LLMRequest) throws(LLMError) -> JSONValue {
        try OpenAIResponsesRequestBuilder.body(for: wireRequest(request))
    }

    private func wireRequest(_ request: LLMRequest) -> LLMRequest {
        guard let modelOverride else { return request }
        var request = request
        request.model = modelOverride
        return request
    }

    public func stream(_ request: LLMRequest) -> AsyncStream<LLMEvent> {
        let body: [UInt8]
        do {
            body = try OpenAIResponsesRequestBuilder.bodyBytes(for: wireRequest(request), cache: encodedRows)
        } catch {
            return SSEStreamDriver.failed(error)
        }
        let headers = OpenAIHeaders.make(apiKey: apiKey, organization: organization, project: project)
        let httpRequest = ProviderHTTPRequest(url: baseURL + "/responses", headers: headers, body: body)
        return SSEStreamDriver.start(
            httpRequest, decoder: OpenAIResponsesStreamDecoder(), transport: transport,
            timeouts: timeouts)
    }
}
