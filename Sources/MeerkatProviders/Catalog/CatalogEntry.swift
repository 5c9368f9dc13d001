/// One model the runtime knows, with its capabilities and how to reach it.
public struct CatalogEntry: Sendable, Hashable {
    /// How prominently the model is offered.
    public enum Tier: String, Sendable, Hashable, Codable {
        case recommended, supported
        /// An image-generation model (not a chat model).
        case image
        /// A model configured by the operator (self-hosted alias).
        case configured
    }

    /// The id users and configs name.
    public var id: String
    /// Human-readable name.
    public var displayName: String
    /// How prominently the model is offered.
    public var tier: Tier
    /// Capabilities.
    public var profile: ModelProfile
    /// The model name sent on the wire (differs for self-hosted aliases).
    public var wireModel: String
    /// The catalog id this entry is an alias of, if any.
    public var aliasOf: String?
    /// Where a self-hosted model is served; nil for the public providers.
    public var selfHosted: SelfHostedModel?

    /// Creates an entry.
    public init(
        id: String, displayName: String? = nil, tier: Tier = .supported, profile: ModelProfile,
        wireModel: String? = nil, aliasOf: String? = nil, selfHosted: SelfHostedModel? = nil
    ) {
        self.id = id
        self.displayName = displayName ?? id
        self.tier = tier
        self.profile = profile
        self.wireModel = wireModel ?? id
        self.aliasOf = aliasOf
        self.selfHosted = selfHosted
    }
}
