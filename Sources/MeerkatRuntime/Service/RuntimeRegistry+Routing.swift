import Foundation
public import MeerkatCore

/// The routing half of the seed's runtime extension (RUNTIME.md §12–§14), forwarded to the session's runtime.
extension RuntimeRegistry {
    public func resolvedSessionLLMCapabilities(session: SessionID) async throws(RuntimeDriverError)
        -> SessionLLMCapabilitySurface?
    {
        try await runtime(session).resolvedCapabilities()
    }

    public func reconfigureSessionLLMIdentity(session: SessionID, _ request: SessionLLMReconfigureRequest)
        async throws(RuntimeDriverError) -> SessionLLMReconfigureReport
    {
        try await runtime(session).reconfigureLLMIdentity(request)
    }

    public func configureModelRoutingBaseline(session: SessionID, baselineModel: ModelID, realtimeCapable: Bool)
        async throws(RuntimeDriverError)
    {
        try await runtime(session).configureModelRoutingBaseline(model: baselineModel, realtimeCapable: realtimeCapable)
    }

    public func sessionModelRoutingStatus(session: SessionID) async throws(RuntimeDriverError)
        -> SessionModelRoutingStatus
    {
        try await runtime(session).modelRoutingStatus()
    }

    public func requestSwitchTurn(session: SessionID, _ request: SwitchTurnRequest) async throws(RuntimeDriverError)
        -> SwitchTurnControlResult
    {
        try await runtime(session).requestSwitchTurn(request)
    }

    public func admitModelRoutingAssistantTurn(session: SessionID) async throws(RuntimeDriverError) {
        _ = try await runtime(session).admitModelRoutingAssistantTurn()
    }

    public func denyImageOperationPlan(
        session: SessionID, operation: ImageOperationID, reason: ImageOperationDenialReason
    ) async throws(RuntimeDriverError) -> ImageOperationPhase {
        try await runtime(session).denyImageOperationPlan(operation, reason: reason)
    }

    public func classifyImageOperationTerminal(
        session: SessionID, operation: ImageOperationID, observation: ImageProviderTerminalObservation,
        providerText: String?
    ) async throws(RuntimeDriverError) -> ImageOperationTerminalClass {
        try await runtime(session).classifyImageOperationTerminal(
            operation, observation: observation, providerText: providerText)
    }

    public func beginImageOperation(session: SessionID, _ request: ImageOperationRoutingRequest)
        async throws(RuntimeDriverError) -> ImageOperationRoutingResult
    {
        try await runtime(session).beginImageOperation(request)
    }

    public func activateImageOperationOverride(session: SessionID, operation: ImageOperationID)
        async throws(RuntimeDriverError) -> ImageOperationPhase
    {
        try await runtime(session).activateImageOperationOverride(operation)
    }

    public func completeImageOperation(
        session: SessionID, operation: ImageOperationID, terminal: ImageOperationTerminalClass
    ) async throws(RuntimeDriverError) -> ImageOperationPhase {
        try await runtime(session).completeImageOperation(operation, terminal: terminal)
    }

    public func restoreImageOperationOverride(session: SessionID, operation: ImageOperationID)
        async throws(RuntimeDriverError) -> ImageOperationPhase
    {
        try await runtime(session).restoreImageOperationOverride(operation)
    }
}
