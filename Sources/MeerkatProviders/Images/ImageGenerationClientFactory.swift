public import Foundation
public import MeerkatCore

/// Builds the `ImageGenerationClient` for a catalog image model (profile `imageGeneration`): the OpenAI Images API
/// for OpenAI models, `generateContent` for Gemini models; credentials and `*_BASE_URL` overrides come from the
/// environment, as for chat clients.
public struct ImageGenerationClientFactory: Sendable {
    /// Why no client can be built for a model.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// The catalog does not know the model, or knows no provider credential for it.
        case catalog(ModelCatalogError)
        /// The model exists but does not generate images.
        case notAnImageModel(String)
        /// The model's provider has no image API here (Anthropic, self-hosted).
        case unsupportedProvider(String, ProviderKind)

        public var description: String {
            switch self {
            case .catalog(let error): error.description
            case .notAnImageModel(let model): "model '\(model)' does not generate images"
            case .unsupportedProvider(let model, let provider):
                "model '\(model)' is served by \(provider), which has no image-generation API here"
            }
        }
    }

    /// The catalog models are resolved in.
    public let catalog: ModelCatalog
    private let credentials: CredentialResolver
    private let environment: [String: String]
    private let transport: HTTPTransport
    private let timeout: Duration

    /// Creates a factory. `environment` feeds both credentials and `*_BASE_URL` overrides.
    public init(
        catalog: ModelCatalog = .builtIn, environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: HTTPTransport = .shared, timeout: Duration = .seconds(300)
    ) {
        self.catalog = catalog
        self.credentials = CredentialResolver(environment: environment)
        self.environment = environment
        self.transport = transport
        self.timeout = timeout
    }

    /// The catalog's image models, by id.
    public var imageModels: [String] { catalog.entries.filter(\.profile.imageGeneration).map(\.id) }

    /// Whether `model` is a catalog model that generates images.
    public func generatesImages(_ model: String) -> Bool {
        (try? catalog.profile(for: model).imageGeneration) ?? false
    }

    /// A client for `model`.
    public func makeClient(for model: String) throws(Failure) -> any ImageGenerationClient {
        let entry: CatalogEntry
        do { entry = try catalog.entry(for: model) } catch { throw .catalog(error) }
        guard entry.profile.imageGeneration else { throw .notAnImageModel(model) }
        switch entry.profile.provider {
        case .openai:
            return OpenAIImagesClient(
                apiKey: try key(for: .openai), environment: environment, transport: transport, timeout: timeout)
        case .gemini:
            return GeminiImageClient(
                apiKey: try key(for: .gemini), environment: environment, transport: transport, timeout: timeout)
        case .anthropic, .selfHosted:
            throw .unsupportedProvider(model, entry.profile.provider)
        }
    }

    private func key(for provider: ProviderKind) throws(Failure) -> APIKey {
        guard let key = credentials.apiKey(for: provider) else {
            throw .catalog(.missingCredentials(provider, checked: CredentialResolver.variables(for: provider)))
        }
        return key
    }
}
