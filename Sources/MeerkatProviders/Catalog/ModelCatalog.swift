public import MeerkatCore

/// The models the runtime can call, keyed by exact id (AGENT.md §4.4).
///
/// A model's provider is whatever catalog row owns its id; names are never matched by prefix, so an unknown
/// model is a typed error rather than a guess.
public struct ModelCatalog: Sendable {
    private let byID: [String: CatalogEntry]

    /// The catalog shipped with the runtime.
    public static let builtIn: ModelCatalog = {
        do { return try ModelCatalog(entries: BuiltInModels.entries) } catch {
            preconditionFailure("built-in catalog is inconsistent: \(error)")
        }
    }()

    /// The global default model.
    public static let defaultModel = "gpt-5.6-sol"

    /// Provider preference when several have credentials.
    public static let providerPriority: [ProviderKind] = [.anthropic, .openai, .gemini]

    /// The default model of a provider (none for self-hosted: those are configured).
    public static func defaultModel(for provider: ProviderKind) -> String? {
        switch provider {
        case .anthropic: "claude-opus-5"
        case .openai: "gpt-5.6-sol"
        case .gemini: "gemini-3.5-flash"
        case .selfHosted: nil
        }
    }

    /// Creates a catalog; ids must be unique.
    public init(entries: [CatalogEntry]) throws(ModelCatalogError) {
        var byID: [String: CatalogEntry] = [:]
        for entry in entries {
            guard byID[entry.id] == nil else { throw .duplicateModel(entry.id) }
            byID[entry.id] = entry
        }
        self.byID = byID
    }

    /// This catalog plus operator-configured self-hosted models.
    public func adding(selfHosted models: [SelfHostedModel]) throws(ModelCatalogError) -> ModelCatalog {
        try ModelCatalog(entries: entries + models.map(\.entry))
    }

    /// Every entry, sorted by id.
    public var entries: [CatalogEntry] { byID.values.sorted { $0.id < $1.id } }

    /// The entry owning `model`.
    public func entry(for model: String) throws(ModelCatalogError) -> CatalogEntry {
        guard let entry = byID[model] else { throw .unknownModel(model, known: byID.keys.sorted()) }
        return entry
    }

    /// The capability profile of `model`.
    public func profile(for model: String) throws(ModelCatalogError) -> ModelProfile {
        try entry(for: model).profile
    }

    /// The provider that owns `model`.
    public func provider(for model: String) throws(ModelCatalogError) -> ProviderKind {
        try entry(for: model).profile.provider
    }
}
