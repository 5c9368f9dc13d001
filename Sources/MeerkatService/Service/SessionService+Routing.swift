public import Foundation
import Logging
public import MeerkatCore
public import MeerkatRuntime

/// How long a model switch lasts, as surfaces name it.
public enum ModelSwitchDuration: Sendable, Hashable {
    case once
    case turns(Int)
    case untilChanged

    var runtimeDuration: SwitchTurnDuration {
        switch self {
        case .once: .oneTurn
        case .turns(let count): .turns(count)
        case .untilChanged: .untilChanged
        }
    }
}

/// LLM identity reconfiguration and model routing for surfaces (RUNTIME.md §12–§13): the CLI and servers call these;
/// the logic (validation, catalog resolution, the runtime transaction) lives here and in the runtime.
extension SessionService {
    /// The session's runtime, live.
    private func routedRuntime(_ id: SessionID) async throws(ServiceError) -> SessionRuntime {
        try await live(id)
    }

    /// Re-points the session at another model/provider (validated against the catalog; full report).
    public func reconfigure(_ id: SessionID, _ request: SessionLLMReconfigureRequest) async throws(ServiceError)
        -> SessionLLMReconfigureReport
    {
        let runtime = try await routedRuntime(id)
        do {
            let report = try await runtime.reconfigureLLMIdentity(request)
            logger.info(
                "llm identity reconfigured",
                metadata: [
                    "session": .string(id.description), "model": .string(report.newIdentity.model),
                    "provider": .string(report.newIdentity.provider),
                ])
            return report
        } catch {
            throw .runtime(error)
        }
    }

    /// Switches the session's model for one turn, `n` turns or until changed. The target is checked against the
    /// catalog (and its credentials) first, so a finite switch never fails at turn time for an unknown model.
    public func switchModel(
        _ id: SessionID, model: String, duration: ModelSwitchDuration, requestID: String = UUID().uuidString,
        approval: RoutingApproval = .notRequired, approvalReason: RoutingApprovalReason? = nil
    ) async throws(ServiceError) -> SwitchTurnControlResult {
        if case .turns(let count) = duration, count < 1 {
            throw .invalidRequest(field: "turns", message: "must be at least 1, got \(count)")
        }
        let runtime = try await routedRuntime(id)
        guard let base = factory.modelResolver, let agent = liveAgent(id) else {
            throw .invalidRequest(field: "model", message: "this service's agent factory cannot route models")
        }
        let resolver = base.scoped(to: await agent.session.intent, config: config)
        guard let current = await runtime.routing.identity else {
            throw .invalidRequest(field: "model", message: "the session has no resolved LLM identity")
        }
        let target = try resolver.resolve(
            current: current, request: SessionLLMReconfigureRequest(model: model), config: config)
        let request = SwitchTurnRequest(
            requestID: requestID, targetModel: target.identity.model, duration: duration.runtimeDuration,
            targetRealtimeCapable: target.capabilities.realtime, approval: approval, approvalReason: approvalReason)
        do {
            return try await runtime.requestSwitchTurn(request)
        } catch {
            throw .runtime(error)
        }
    }

    /// The routing status (baseline, effective model, overrides, epoch).
    public func routingStatus(_ id: SessionID) async throws(ServiceError) -> SessionModelRoutingStatus {
        try await routedRuntime(id).modelRoutingStatus()
    }

    /// The capability surface of the session's resolved model (nil before an identity is resolved).
    public func capabilities(_ id: SessionID) async throws(ServiceError) -> SessionLLMCapabilitySurface? {
        try await routedRuntime(id).resolvedCapabilities()
    }

    /// The session's LLM identity as the runtime holds it.
    public func identity(_ id: SessionID) async throws(ServiceError) -> SessionLLMIdentity? {
        try await routedRuntime(id).routing.identity
    }
}

/// The routing half of the seed's runtime extension: make the session live, then forward to its runtime.
extension SessionService {
    private func forwardRouting<T>(_ session: SessionID, _ body: (SessionRuntime) async throws(RuntimeDriverError) -> T)
        async throws(RuntimeDriverError) -> T
    {
        let runtime: SessionRuntime
        do {
            runtime = try await live(session)
        } catch {
            if case .runtime(let inner) = error { throw inner }
            throw .notFound(runtimeID: .session(session))
        }
        return try await body(runtime)
    }

    public func resolvedSessionLLMCapabilities(session: SessionID) async throws(RuntimeDriverError)
        -> SessionLLMCapabilitySurface?
    {
        try await forwardRouting(session) { runtime in await runtime.resolvedCapabilities() }
    }

    public func reconfigureSessionLLMIdentity(session: SessionID, _ request: SessionLLMReconfigureRequest)
        async throws(RuntimeDriverError) -> SessionLLMReconfigureReport
    {
        try await forwardRouting(session) { runtime throws(RuntimeDriverError) in
            try await runtime.reconfigureLLMIdentity(request)
        }
    }

    public func configureModelRoutingBaseline(session: SessionID, baselineModel: ModelID, realtimeCapable: Bool)
        async throws(RuntimeDriverError)
    {
        try await forwardRouting(session) { runtime throws(RuntimeDriverError) in
            try await runtime.configureModelRoutingBaseline(model: baselineModel, realtimeCapable: realtimeCapable)
        }
    }

    public func sessionModelRoutingStatus(session: SessionID) async throws(RuntimeDriverError)
        -> SessionModelRoutingStatus
    {
        try await forwardRouting(session) { runtime in await runtime.modelRoutingStatus() }
    }

    public func requestSwitchTurn(session: SessionID, _ request: SwitchTurnRequest) async throws(RuntimeDriverError)
        -> SwitchTurnControlResult
    {
        try await forwardRouting(session) { runtime throws(RuntimeDriverError) in
            try await runtime.requestSwitchTurn(request)
        }
    }

    public func admitModelRoutingAssistantTurn(session: SessionID) async throws(RuntimeDriverError) {
        try await forwardRouting(session) { runtime throws(RuntimeDriverError) in
            _ = try await runtime.admitModelRoutingAssistantTurn()
        }
    }

    public func denyImageOperationPlan(
        session: SessionID, operation: ImageOperationID, reason: ImageOperationDenialReason
    ) async throws(RuntimeDriverError) -> ImageOperationPhase {
        try await forwardRouting(session) { runtime throws(RuntimeDriverError) in
            try await runtime.denyImageOperationPlan(operation, reason: reason)
        }
    }

    public func classifyImageOperationTerminal(
        session: SessionID, operation: ImageOperationID, observation: ImageProviderTerminalObservation,
        providerText: String?
    ) async throws(RuntimeDriverError) -> ImageOperationTerminalClass {
        try await forwardRouting(session) { runtime throws(RuntimeDriverError) in
            try await runtime.classifyImageOperationTerminal(
                operation, observation: observation, providerText: providerText)
        }
    }

    public func beginImageOperation(session: SessionID, _ request: ImageOperationRoutingRequest)
        async throws(RuntimeDriverError) -> ImageOperationRoutingResult
    {
        try await forwardRouting(session) { runtime throws(RuntimeDriverError) in
            try await runtime.beginImageOperation(request)
        }
    }

    public func activateImageOperationOverride(session: SessionID, operation: ImageOperationID)
        async throws(RuntimeDriverError) -> ImageOperationPhase
    {
        try await forwardRouting(session) { runtime throws(RuntimeDriverError) in
            try await runtime.activateImageOperationOverride(operation)
        }
    }

    public func completeImageOperation(
        session: SessionID, operation: ImageOperationID, terminal: ImageOperationTerminalClass
    ) async throws(RuntimeDriverError) -> ImageOperationPhase {
        try await forwardRouting(session) { runtime throws(RuntimeDriverError) in
            try await runtime.completeImageOperation(operation, terminal: terminal)
        }
    }

    public func restoreImageOperationOverride(session: SessionID, operation: ImageOperationID)
        async throws(RuntimeDriverError) -> ImageOperationPhase
    {
        try await forwardRouting(session) { runtime throws(RuntimeDriverError) in
            try await runtime.restoreImageOperationOverride(operation)
        }
    }
}
