import Foundation

/// The model one assistant turn talks to: every model request of the turn (tool loops, compaction, extraction) uses
/// this client and model.
public struct TurnModelRoute: Sendable {
    public var client: any LLMClient
    /// The model id sent in requests.
    public var model: String
    /// Provider parameters of the routed identity (a turn's own `provider_params` still wins).
    public var providerParams: JSONValue?
    /// False when the routed model rejects `temperature` (the config's temperature is then not sent).
    public var supportsTemperature: Bool
    /// The routed model's output cap; requests ask for at most this many tokens.
    public var maxOutputTokens: Int?
    /// False when the route goes to another provider than the session's: the agent's configured provider params
    /// were written for the session's provider and are then not sent.
    public var inheritsSessionParams: Bool

    public init(
        client: any LLMClient, model: String, providerParams: JSONValue? = nil, supportsTemperature: Bool = true,
        maxOutputTokens: Int? = nil, inheritsSessionParams: Bool = true
    ) {
        self.client = client
        self.model = model
        self.providerParams = providerParams
        self.supportsTemperature = supportsTemperature
        self.maxOutputTokens = maxOutputTokens
        self.inheritsSessionParams = inheritsSessionParams
    }
}

/// Decides, once per assistant turn, which model and client the turn uses. The agent calls it exactly once at the
/// start of every run, before the first model request; a host that routes models (the session service: operation
/// override > turn override > baseline, and the turn's own `model`/`provider`) admits the turn with its routing
/// authority here. Keeps the core free of runtime types.
public protocol AssistantTurnRouter: Sendable {
    /// The route of the turn starting now. A thrown error fails the run before anything is sent.
    func routeAssistantTurn(_ metadata: RuntimeTurnMetadata?) async throws -> TurnModelRoute
    /// The route of model requests made outside any assistant turn (a manual compaction): the session's current
    /// identity, without admitting a turn (a finite switch is not consumed). nil: the agent's own client.
    func routeOutsideTurn() async throws -> TurnModelRoute?
}

extension AssistantTurnRouter {
    /// The agent's own client by default.
    public func routeOutsideTurn() async throws -> TurnModelRoute? { nil }
}
