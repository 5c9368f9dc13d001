import Foundation
public import MeerkatCore
public import MeerkatRuntime
import Synchronization

/// What the service needs to route turns and reconfigure identities (RUNTIME.md §12–§13): catalog resolution,
/// capability surfaces, clients per (provider, model) and tool sets per capability. `ProviderAgentFactory`
/// implements it over the real providers; a factory without it runs every turn on the agent's own client and
/// answers reconfiguration with a typed error.
public protocol SessionModelResolving: Sendable {
    /// The identity the session with this intent is built with.
    func initialIdentity(intent: SessionIntent, config: MeerkatConfig) throws(ServiceError) -> ResolvedLLMIdentity
    /// `request` applied to `current`, resolved against the catalog (unknown model → `unknownModel` with the
    /// nearest names; provider, self-hosted server and auth binding checked).
    func resolve(current: SessionLLMIdentity, request: SessionLLMReconfigureRequest, config: MeerkatConfig)
        throws(ServiceError) -> ResolvedLLMIdentity
    /// The route (client, wire model, capabilities) of an identity; clients are reused per (provider, model, auth).
    func route(_ identity: SessionLLMIdentity) async throws(ServiceError) -> TurnModelRoute
    /// The agent's tool set for a model with this capability surface (e.g. without `view_image`).
    func tools(intent: SessionIntent, config: MeerkatConfig, model: String) async throws(ServiceError) -> ToolDispatcher
    /// The resolver of one session with this intent: one that also knows the session's ad-hoc server
    /// (`base_url`), when it has one.
    func scoped(to intent: SessionIntent, config: MeerkatConfig) -> any SessionModelResolving
}

extension SessionModelResolving {
    /// Itself: a resolver without ad-hoc servers.
    public func scoped(to intent: SessionIntent, config: MeerkatConfig) -> any SessionModelResolving { self }
}

/// Clients shared by every turn of the agents one factory built, keyed by provider, model and auth binding.
final class LLMClientCache: Sendable {
    private let clients = Mutex<[String: any LLMClient]>([:])

    /// The cached client for `key`, made (outside the lock) the first time; a racing maker's client is dropped.
    func client(_ key: String, make: () throws(ServiceError) -> any LLMClient) throws(ServiceError) -> any LLMClient {
        if let cached = clients.withLock({ $0[key] }) { return cached }
        let made = try make()
        return clients.withLock { clients in
            if let existing = clients[key] { return existing }
            clients[key] = made
            return made
        }
    }

    /// How many clients are cached.
    var count: Int { clients.withLock { $0.count } }
}
