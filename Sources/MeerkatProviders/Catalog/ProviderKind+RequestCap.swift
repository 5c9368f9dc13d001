public import MeerkatCore

extension ProviderKind {
    /// The provider's documented cap on one request body, in bytes (AGENT.md §1.8), or nil when none is known
    /// (self-hosted servers differ).
    public var maxRequestBytes: Int? {
        switch self {
        case .anthropic: 9_000_000
        case .openai: 50_000_000
        case .gemini: 20_000_000
        case .selfHosted: nil
        }
    }
}
