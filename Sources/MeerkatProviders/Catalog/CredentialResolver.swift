public import Foundation
public import MeerkatCore

/// Finds provider API keys in an environment (AGENT.md §4.3 with the `SKAT_` prefix). The environment is
/// injectable so tests never depend on the process environment; keys are returned as redacting `APIKey`s.
public struct CredentialResolver: Sendable {
    private let environment: [String: String]

    /// Creates a resolver over `environment`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The variables consulted for `provider`, in resolution order.
    public static func variables(for provider: ProviderKind) -> [String] {
        switch provider {
        case .anthropic: ["SKAT_ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY"]
        case .openai: ["SKAT_OPENAI_API_KEY", "OPENAI_API_KEY"]
        case .gemini: ["SKAT_GEMINI_API_KEY", "GEMINI_API_KEY", "SKAT_GOOGLE_API_KEY", "GOOGLE_API_KEY"]
        case .selfHosted: []
        }
    }

    /// The first non-empty key for `provider`, if any.
    public func apiKey(for provider: ProviderKind) -> APIKey? {
        for name in Self.variables(for: provider) {
            if let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty {
                return APIKey(value, source: name)
            }
        }
        return nil
    }

    /// The key in a named variable (self-hosted models name their own).
    public func apiKey(variable: String) -> APIKey? {
        guard let value = environment[variable]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty
        else { return nil }
        return APIKey(value, source: variable)
    }

    /// Providers with a key, in the catalog's priority order.
    public var availableProviders: [ProviderKind] {
        ModelCatalog.providerPriority.filter { apiKey(for: $0) != nil }
    }
}
