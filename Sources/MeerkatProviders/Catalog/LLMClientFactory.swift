public import Foundation
public import Logging
public import MeerkatCore

/// Builds the right `LLMClient` for a model: resolves the provider by catalog ownership, finds the credential,
/// applies base-URL overrides and the model's call timeout.
public struct LLMClientFactory: Sendable {
    /// The catalog models are resolved in.
    public let catalog: ModelCatalog
    private let credentials: CredentialResolver
    private let environment: [String: String]
    private let transport: HTTPTransport
    /// Model calls are logged here (see `LoggingLLMClient`); nil logs nothing.
    private let logger: Logger?

    /// Creates a factory. `environment` feeds both credentials and `*_BASE_URL` overrides.
    public init(
        catalog: ModelCatalog = .builtIn, environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: HTTPTransport = .shared, logger: Logger? = nil
    ) {
        self.catalog = catalog
        self.credentials = CredentialResolver(environment: environment)
        self.environment = environment
        self.transport = transport
        self.logger = logger
    }

    /// A client for `model` (OpenAI models use the Responses API).
    public func makeClient(for model: String) throws(ModelCatalogError) -> any LLMClient {
        try makeClient(for: try catalog.entry(for: model))
    }

    /// A client for an entry that need not be in the catalog (an ad-hoc self-hosted server).
    public func makeClient(for entry: CatalogEntry) throws(ModelCatalogError) -> any LLMClient {
        let client = try makeBareClient(for: entry)
        guard let logger else { return client }
        return LoggingLLMClient(client, endpoint: endpoint(of: client), logger: logger)
    }

    /// The base URL a client sends to, when it says (never a key).
    private func endpoint(of client: any LLMClient) -> String {
        switch client {
        case let chat as ChatCompletionsClient: chat.baseURL
        case let responses as OpenAIResponsesClient: responses.baseURL
        case let anthropic as AnthropicClient: anthropic.baseURL
        case let gemini as GeminiClient: gemini.baseURL
        default: client.provider
        }
    }

    private func makeBareClient(for entry: CatalogEntry) throws(ModelCatalogError) -> any LLMClient {
        let model = entry.id
        let timeouts = StreamTimeouts(callTimeout: entry.profile.callTimeout)
        switch entry.profile.provider {
        case .anthropic:
            return AnthropicClient(
                apiKey: try key(for: .anthropic), environment: environment, transport: transport, timeouts: timeouts)
        case .openai:
            return OpenAIResponsesClient(
                apiKey: try key(for: .openai), environment: environment, transport: transport, timeouts: timeouts)
        case .gemini:
            return GeminiClient(
                apiKey: try key(for: .gemini), environment: environment, transport: transport, timeouts: timeouts)
        case .selfHosted:
            guard let server = entry.selfHosted else {
                throw .unknownModel(model, known: catalog.entries.map(\.id))
            }
            let key = try server.apiKeyVariable.map { variable throws(ModelCatalogError) -> APIKey in
                guard let key = credentials.apiKey(variable: variable) else {
                    throw .missingCredentials(.selfHosted, checked: [variable])
                }
                return key
            }
            switch server.apiStyle {
            case .chatCompletions:
                return ChatCompletionsClient.selfHosted(
                    baseURL: server.baseURL, apiKey: key, modelOverride: server.remoteModel, transport: transport,
                    timeouts: timeouts, structuredOutput: server.structuredOutput)
            case .responses:
                return OpenAIResponsesClient(
                    apiKey: key, baseURL: server.baseURL, environment: [:], transport: transport, timeouts: timeouts,
                    provider: .selfHosted, modelOverride: server.remoteModel)
            }
        }
    }

    private func key(for provider: ProviderKind) throws(ModelCatalogError) -> APIKey {
        guard let key = credentials.apiKey(for: provider) else {
            throw .missingCredentials(provider, checked: CredentialResolver.variables(for: provider))
        }
        return key
    }
}
