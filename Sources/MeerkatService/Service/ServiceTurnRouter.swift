import Foundation
import MeerkatCore
import MeerkatRuntime

/// The agent's per-turn router for a live session: admits the assistant turn with the runtime's routing authority
/// (exactly once per turn) and returns the client of the effective model — operation override > turn override >
/// baseline — or of the turn's own `model`/`provider` (`RuntimeTurnMetadata`), which wins over the turn override and
/// baseline but never over an active image-operation override.
struct ServiceTurnRouter: AssistantTurnRouter {
    let runtime: SessionRuntime
    let resolver: any SessionModelResolving
    let config: MeerkatConfig

    func routeAssistantTurn(_ metadata: RuntimeTurnMetadata?) async throws -> TurnModelRoute {
        let admitted = try await runtime.admitModelRoutingAssistantTurn()
        guard let identity = admitted.identity else {
            throw ServiceError.invalidRequest(field: "model", message: "the session has no resolved LLM identity")
        }
        let model = admitted.model ?? identity.model
        var request = SessionLLMReconfigureRequest()
        if admitted.status.activeOperationOverride == nil, metadata?.model != nil || metadata?.provider != nil {
            request.model = metadata?.model ?? model
            request.provider = metadata?.provider
        } else if model != identity.model {
            request.model = model
        } else {
            return try await resolver.route(identity)
        }
        // Another model: resolved against the catalog with its own provider (another provider's params and auth
        // binding are not inherited).
        let resolved = try resolver.resolve(current: identity, request: request, config: config)
        var route = try await resolver.route(resolved.identity)
        route.inheritsSessionParams = resolved.identity.provider == identity.provider
        return route
    }

    /// A manual compaction talks to the session's current identity (the baseline after any reconfiguration or
    /// `until_changed` switch); no turn is admitted, so a pending or active finite switch is left alone.
    func routeOutsideTurn() async throws -> TurnModelRoute? {
        guard let identity = await runtime.routing.identity else { return nil }
        return try await resolver.route(identity)
    }
}
