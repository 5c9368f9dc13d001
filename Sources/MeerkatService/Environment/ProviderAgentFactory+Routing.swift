import Foundation
public import MeerkatCore
public import MeerkatProviders
public import MeerkatRuntime
import MeerkatTools

/// Catalog resolution and client routing for §12–§13 on the real providers.
extension ProviderAgentFactory: SessionModelResolving {
    /// The capability surface of a catalog profile (RUNTIME.md §12). The catalog has no separate inline-video or
    /// image-input flags: image input is `vision`, inline video is Gemini vision (its API takes video parts inline).
    public static func capabilities(_ profile: ModelProfile) -> SessionLLMCapabilitySurface {
        SessionLLMCapabilitySurface(
            supportsTemperature: profile.supportsTemperature, supportsThinking: profile.supportsThinking,
            supportsReasoning: profile.supportsReasoning, inlineVideo: profile.provider == .gemini && profile.vision,
            vision: profile.vision, imageInput: profile.vision, imageToolResults: profile.imageToolResults,
            supportsWebSearch: profile.webSearch, imageGeneration: profile.imageGeneration, realtime: profile.realtime,
            callTimeoutSecs: Int(profile.callTimeout.components.seconds))
    }

    /// Tools a profile hides: `view_image` when tool results cannot carry images.
    static func hiddenTools(_ profile: ModelProfile) -> [String] {
        profile.imageToolResults ? [] : [BuiltinToolName.viewImage.rawValue]
    }

    func resolved(_ identity: SessionLLMIdentity, entry: CatalogEntry) -> ResolvedLLMIdentity {
        ResolvedLLMIdentity(
            identity: identity, capabilities: Self.capabilities(entry.profile),
            hiddenTools: Self.hiddenTools(entry.profile))
    }

    public func initialIdentity(intent: SessionIntent, config: MeerkatConfig) throws(ServiceError)
        -> ResolvedLLMIdentity
    {
        let model = try resolveModel(intent: intent, config: config)
        let entry = try entry(model: model, intent: intent, config: config)
        let server = config.selfHosted.models[model]?.server
        return resolved(
            SessionLLMIdentity(
                model: model, provider: entry.profile.provider.rawValue,
                selfHostedServerID: entry.profile.provider == .selfHosted ? server : nil),
            entry: entry)
    }

    public func resolve(current: SessionLLMIdentity, request: SessionLLMReconfigureRequest, config: MeerkatConfig)
        throws(ServiceError) -> ResolvedLLMIdentity
    {
        let model = request.model ?? current.model
        let modelChanged = model != current.model
        let entry = try entry(for: model)
        let provider = entry.profile.provider
        if let named = request.provider {
            guard let kind = ProviderKind(rawValue: named) else {
                throw .invalidRequest(
                    field: "provider", message: "unknown provider '\(named)' (anthropic, openai, gemini, self_hosted)")
            }
            guard kind == provider else {
                throw .invalidRequest(
                    field: "provider", message: "model '\(model)' belongs to \(provider), not \(named)")
            }
        }
        var server = request.selfHostedServerID ?? (modelChanged ? nil : current.selfHostedServerID)
        if provider == .selfHosted {
            let configured = config.selfHosted.models[model]?.server
            if let server, server != configured {
                throw .invalidRequest(
                    field: "self_hosted_server_id",
                    message: "model '\(model)' is served by '\(configured ?? "an ad-hoc server")', not '\(server)'")
            }
            server = configured
        } else if let server {
            throw .invalidRequest(
                field: "self_hosted_server_id", message: "'\(server)' given for \(provider) model '\(model)'")
        }
        // Provider params are provider-specific: a provider change drops inherited ones.
        let inheritedParams = provider.rawValue == current.provider ? current.providerParams : nil
        let params = request.providerParams.map { $0.applied(to: current.providerParams) } ?? inheritedParams
        let auth = request.authBinding.map { $0.applied(to: current.authBinding) } ?? current.authBinding
        if let auth, environment[auth]?.isEmpty ?? true {
            throw .invalidRequest(field: "auth_binding", message: "environment variable '\(auth)' is not set")
        }
        let identity = SessionLLMIdentity(
            model: model, provider: provider.rawValue, selfHostedServerID: server, providerParams: params,
            authBinding: auth)
        // A target without credentials fails here, before anything changes.
        _ = try client(for: entry, authBinding: auth)
        return resolved(identity, entry: entry)
    }

    public func route(_ identity: SessionLLMIdentity) async throws(ServiceError) -> TurnModelRoute {
        let entry = try entry(for: identity.model)
        let key = "\(entry.profile.provider.rawValue)|\(entry.id)|\(identity.authBinding ?? "")"
        let cached = try clients.client(key) { () throws(ServiceError) in
            try client(for: entry, authBinding: identity.authBinding)
        }
        return TurnModelRoute(
            client: cached, model: entry.id, providerParams: identity.providerParams,
            supportsTemperature: entry.profile.supportsTemperature, maxOutputTokens: entry.profile.maxOutputTokens)
    }

    public func scoped(to intent: SessionIntent, config: MeerkatConfig) -> any SessionModelResolving {
        guard let baseURL = intent.baseURL else { return self }
        return AdHocServerResolver(factory: self, baseURL: baseURL, config: config)
    }

    public func tools(intent: SessionIntent, config: MeerkatConfig, model: String) async throws(ServiceError)
        -> ToolDispatcher
    {
        try await tools(intent: intent, config: config, entry: try entry(for: model))
    }

    /// The tool set of a session with this intent on the model of `entry`.
    func tools(intent: SessionIntent, config: MeerkatConfig, entry: CatalogEntry) async throws(ServiceError)
        -> ToolDispatcher
    {
        let build = try dispatcherBuilder(intent: intent, config: config, entry: entry)
        guard let mcp, (intent.tools ?? config.tools.preset) != ToolPreset.none else { return build([]) }
        return build(await mcp.currentTools())
    }

    /// A client for `entry`; with an auth binding, the key is read from that environment variable.
    func client(for entry: CatalogEntry, authBinding: String?) throws(ServiceError) -> any LLMClient {
        guard let authBinding, let key = environment[authBinding] else { return try client(for: entry) }
        var environment = environment
        for variable in CredentialResolver.variables(for: entry.profile.provider) { environment[variable] = key }
        return try ProviderAgentFactory(copying: self, environment: environment).client(for: entry)
    }
}
