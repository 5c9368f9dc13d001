public import MeerkatCore

/// Why a model could not be resolved to a client.
public enum ModelCatalogError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The model is in no catalog row; providers are never guessed from name prefixes.
    case unknownModel(String, known: [String])
    /// Two rows claim the same id.
    case duplicateModel(String)
    /// No credential for the model's provider in the environment.
    case missingCredentials(ProviderKind, checked: [String])

    public var description: String {
        switch self {
        case .unknownModel(let model, let known):
            "unknown model '\(model)': it is not in the catalog (known: \(known.joined(separator: ", "))); "
                + "configure it as a custom or self-hosted model to use it"
        case .duplicateModel(let model):
            "model '\(model)' is defined twice in the catalog"
        case .missingCredentials(let provider, let checked):
            "no API key for \(provider): set one of \(checked.joined(separator: ", "))"
        }
    }

    /// The same failure as an `LLMError` (for callers that report everything as provider errors).
    public var llmError: LLMError {
        switch self {
        case .unknownModel: LLMError(.modelNotFound, description)
        case .duplicateModel: LLMError(.invalidConfig, description)
        case .missingCredentials: LLMError(.authenticationFailed, description)
        }
    }
}
