public import Foundation
public import MeerkatCore

/// An `LLMClient` for Gemini `streamGenerateContent?alt=sse` (PROVIDERS.md §4).
public struct GeminiClient: LLMClient, CustomStringConvertible {
    /// The default API origin (without `/v1beta`).
    public static let defaultBaseURL = "https://generativelanguage.googleapis.com"

    public var provider: String { ProviderKind.gemini.rawValue }
    /// The base requests go to (normalised to end in `/v1beta`).
    public let baseURL: String
    private let apiKey: APIKey
    private let transport: HTTPTransport
    private let timeouts: StreamTimeouts
    /// This conversation's encoded rows, kept between requests (a client serves one agent).
    private let encodedRows = EncodedMessages<GeminiRequestBuilder.RowParts>()

    /// Creates a client.
    /// - Parameter baseURL: overrides `GEMINI_BASE_URL` from `environment`, which overrides `defaultBaseURL`.
    public init(
        apiKey: APIKey, baseURL: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: HTTPTransport = .shared, timeouts: StreamTimeouts = StreamTimeouts()
    ) {
        let origin = BaseURL.resolve(
            baseURL, environmentKey: "GEMINI_BASE_URL", environment: environment, default: Self.defaultBaseURL)
        self.baseURL = BaseURL.ensuring("v1beta", on: origin)
        self.apiKey = apiKey
        self.transport = transport
        self.timeouts = timeouts
    }

    public var description: String { "GeminiClient(\(baseURL), \(apiKey))" }

    /// The request body this client sends for `request`.
    public func wireBody(for request: LLMRequest) throws(LLMError) -> JSONValue {
        try GeminiRequestBuilder.body(for: request)
    }

    public func stream(_ request: LLMRequest) -> AsyncStream<LLMEvent> {
        let body: [UInt8]
        do { body = try GeminiRequestBuilder.bodyBytes(for: request, cache: encodedRows) } catch {
            return SSEStreamDriver.failed(error)
        }
        guard let model = request.model.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed), !model.isEmpty
        else { return SSEStreamDriver.failed(LLMError(.invalidConfig, "empty Gemini model name")) }
        let headers: [(name: String, value: String)] = [
            ("content-type", "application/json"), ("accept", "text/event-stream"), ("x-goog-api-key", apiKey.value),
        ]
        let url = "\(baseURL)/models/\(model):streamGenerateContent?alt=sse"
        return SSEStreamDriver.start(
            ProviderHTTPRequest(url: url, headers: headers, body: body), decoder: GeminiStreamDecoder(),
            transport: transport, timeouts: timeouts)
    }
}
