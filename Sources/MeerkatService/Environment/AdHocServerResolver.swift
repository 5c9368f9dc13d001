import Foundation
import MeerkatCore
import MeerkatProviders
import MeerkatRuntime

/// Model resolution for a session that has an ad-hoc server (`base_url`, `skat run --base-url`): the catalog's
/// models resolve as usual, and the server's own models (any model the catalog does not know, or one named with
/// `self_hosted_server_id: "ad_hoc"`) resolve to that server. Its identity is provider `self_hosted`, server
/// `ad_hoc`; routing, finite switches, reconfiguration and manual compaction all reach the server through it.
struct AdHocServerResolver: SessionModelResolving {
    let factory: ProviderAgentFactory
    let baseURL: String
    let config: MeerkatConfig

    private static let serverID = ProviderAgentFactory.adHocServerID
    private static let selfHosted = ProviderKind.selfHosted.rawValue

    /// Whether `model` (named with this provider and server, if any) is served by the ad-hoc server.
    private func isAdHoc(model: String, provider: String?, server: String?) -> Bool {
        if server == Self.serverID { return true }
        if server != nil { return false }
        if let provider, provider != Self.selfHosted { return false }
        return (try? factory.catalog.entry(for: model)) == nil
    }

    private func entry(_ model: String) -> CatalogEntry {
        factory.adHocEntry(model: model, baseURL: baseURL, config: config)
    }

    func initialIdentity(intent: SessionIntent, config: MeerkatConfig) throws(ServiceError) -> ResolvedLLMIdentity {
        guard factory.servesAdHoc(intent), let model = intent.model else {
            return try factory.initialIdentity(intent: intent, config: config)
        }
        return factory.resolved(
            SessionLLMIdentity(model: model, provider: Self.selfHosted, selfHostedServerID: Self.serverID),
            entry: entry(model))
    }

    func resolve(current: SessionLLMIdentity, request: SessionLLMReconfigureRequest, config: MeerkatConfig)
        throws(ServiceError) -> ResolvedLLMIdentity
    {
        let model = request.model ?? current.model
        let server = request.selfHostedServerID ?? (model == current.model ? current.selfHostedServerID : nil)
        guard isAdHoc(model: model, provider: request.provider, server: server) else {
            return try factory.resolve(current: current, request: request, config: config)
        }
        if let named = request.provider, named != Self.selfHosted {
            throw .invalidRequest(
                field: "provider",
                message: "model '\(model)' is served by the session's ad-hoc server (\(baseURL)), not \(named)")
        }
        let inheritedParams = current.provider == Self.selfHosted ? current.providerParams : nil
        let params = request.providerParams.map { $0.applied(to: current.providerParams) } ?? inheritedParams
        let auth = request.authBinding.map { $0.applied(to: current.authBinding) } ?? current.authBinding
        if let auth, factory.environment[auth]?.isEmpty ?? true {
            throw .invalidRequest(field: "auth_binding", message: "environment variable '\(auth)' is not set")
        }
        let target = entry(model)
        _ = try factory.client(for: target, authBinding: auth)
        return factory.resolved(
            SessionLLMIdentity(
                model: model, provider: Self.selfHosted, selfHostedServerID: Self.serverID, providerParams: params,
                authBinding: auth),
            entry: target)
    }

    func route(_ identity: SessionLLMIdentity) async throws(ServiceError) -> TurnModelRoute {
        guard identity.selfHostedServerID == Self.serverID else { return try await factory.route(identity) }
        let target = entry(identity.model)
        let key = "\(Self.serverID)|\(baseURL)|\(target.id)|\(identity.authBinding ?? "")"
        let client = try factory.clients.client(key) { () throws(ServiceError) in
            try factory.client(for: target, authBinding: identity.authBinding)
        }
        return TurnModelRoute(
            client: client, model: target.id, providerParams: identity.providerParams,
            supportsTemperature: target.profile.supportsTemperature, maxOutputTokens: target.profile.maxOutputTokens)
    }

    func tools(intent: SessionIntent, config: MeerkatConfig, model: String) async throws(ServiceError)
        -> ToolDispatcher
    {
        let adHoc =
            (model == intent.model && factory.servesAdHoc(intent))
            || isAdHoc(model: model, provider: nil, server: nil)
        guard adHoc else { return try await factory.tools(intent: intent, config: config, model: model) }
        return try await factory.tools(intent: intent, config: config, entry: entry(model))
    }
}
