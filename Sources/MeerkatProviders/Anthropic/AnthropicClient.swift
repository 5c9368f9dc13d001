public import Foundation
public import MeerkatCore

/// An `LLMClient` for the Anthropic Messages API (PROVIDERS.md §1).
public struct AnthropicClient: LLMClient, CustomStringConvertible {
    /// The default API origin.
    public static let defaultBaseURL = "https://api.anthropic.com"

    public var provider: String { ProviderKind.anthropic.rawValue }
    /// The origin requests go to (without `/v1`).
    public let baseURL: String
    private let apiKey: APIKey
    private let anthropicVersion: String
    private let betaFeatures: [String]
    private let transport: HTTPTransport
    private let timeouts: StreamTimeouts
    /// The previous request's encoded rows (one client serves one conversation; copies share it).
    private let encodedRows = EncodedMessages<AnthropicRequestBuilder.RowBlocks>()

    /// Creates a client.
    /// - Parameters:
    ///   - baseURL: overrides `ANTHROPIC_BASE_URL` from `environment`, which overrides `defaultBaseURL`.
    ///   - betaFeatures: sent as one comma-joined `anthropic-beta` header.
    public init(
        apiKey: APIKey, baseURL: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: HTTPTransport = .shared, timeouts: StreamTimeouts = StreamTimeouts(),
        anthropicVersion: String = "2023-06-01", betaFeatures: [String] = []
    ) {
        let origin = BaseURL.resolve(
            baseURL, environmentKey: "ANTHROPIC_BASE_URL", environment: environment, default: Self.defaultBaseURL)
        self.baseURL = origin.hasSuffix("/v1") ? String(origin.dropLast(3)) : origin
        self.apiKey = apiKey
        self.anthropicVersion = anthropicVersion
        self.betaFeatures = betaFeatures
        self.transport = transport
        self.timeouts = timeouts
    }

    public var description: String { "AnthropicClient(\(baseURL), \(apiKey))" }

    /// The request body this client sends for `request`.
    public func wireBody(for request: LLMRequest) throws(LLMError) -> JSONValue {
        try AnthropicRequestBuilder.body(for: request)
    }

    public func stream(_ request: LLMRequest) -> AsyncStream<LLMEvent> {
        let body: [UInt8]
        do { body = try AnthropicRequestBuilder.bodyBytes(for: request, cache: encodedRows) } catch {
            return SSEStreamDriver.failed(error)
        }
        var headers: [(name: String, value: String)] = [
            ("content-type", "application/json"), ("accept", "text/event-stream"),
            ("x-api-key", apiKey.value), ("anthropic-version", anthropicVersion),
        ]
        if !betaFeatures.isEmpty { headers.append(("anthropic-beta", betaFeatures.joined(separator: ","))) }
        let httpRequest = ProviderHTTPRequest(
            url: baseURL + "/v1/messages", headers: headers, body: body)
        return SSEStreamDriver.start(
            httpRequest, decoder: AnthropicStreamDecoder(), transport: transport, timeouts: timeouts)
    }
}
