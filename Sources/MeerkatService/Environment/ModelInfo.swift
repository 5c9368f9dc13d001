import MeerkatCore
import MeerkatProviders

/// One model of the catalog (built-in models and configured self-hosted aliases), as surfaces list it.
public struct ModelInfo: Sendable, Hashable, Codable {
    public var id: String
    /// `anthropic`, `openai`, `gemini` or `self_hosted`.
    public var provider: String
    public var displayName: String
    /// `flagship`, `balanced`, `fast`, … (the catalog's tier).
    public var tier: String
    public var contextWindow: Int
    public var maxOutputTokens: Int
    public var vision: Bool
    public var imageGeneration: Bool
    /// The catalog id this entry is an alias of.
    public var aliasOf: String?

    private enum CodingKeys: String, CodingKey {
        case id, provider, displayName = "display_name", tier, contextWindow = "context_window"
        case maxOutputTokens = "max_output_tokens", vision, imageGeneration = "image_generation"
        case aliasOf = "alias_of"
    }

    init(_ entry: CatalogEntry) {
        id = entry.id
        provider = entry.profile.provider.rawValue
        displayName = entry.displayName
        tier = entry.tier.rawValue
        contextWindow = entry.profile.contextWindow
        maxOutputTokens = entry.profile.maxOutputTokens
        vision = entry.profile.vision
        imageGeneration = entry.profile.imageGeneration
        aliasOf = entry.aliasOf
    }
}

extension ProjectContext {
    /// The catalog under this project's configuration (read-only: no realm is opened or created).
    public func models() throws(ServiceError) -> [ModelInfo] {
        try ProviderAgentFactory(config: try config(), projectRoot: projectRoot).catalog.entries.map(ModelInfo.init)
    }
}
