import Foundation
import MeerkatCore

/// What one assistant turn is routed to (the result of `admitModelRoutingAssistantTurn`).
public struct AssistantTurnRoute: Sendable, Hashable {
    /// The model this turn's requests go to (operation > turn override > baseline), nil when nothing is known.
    public var model: ModelID?
    /// The session's identity (its provider, params and auth binding).
    public var identity: SessionLLMIdentity?
    /// The routing status after admission.
    public var status: SessionModelRoutingStatus
}

/// Model routing, LLM identity reconfiguration and image-operation routing (RUNTIME.md §12–§14). Every move follows
/// the runtime's shape: under the mutation gate, decide on a draft, write the routing row, then adopt — and adopt
/// only the routing part, so nothing another command changed is ever overwritten.
extension SessionRuntime {
    /// Installs the reconfigure host (the service does it when the session goes live).
    public func installReconfigureHost(_ host: any LLMReconfigureHost) {
        reconfigureHost = host
    }

    /// The routing state (for status queries and tests).
    public var routing: ModelRoutingState { machine.routing }

    /// The routing status.
    public func modelRoutingStatus() -> SessionModelRoutingStatus { machine.routing.status }

    /// The capability surface, when an identity is resolved.
    public func resolvedCapabilities() -> SessionLLMCapabilitySurface? {
        machine.routing.identity == nil ? nil : machine.routing.capabilities
    }

    /// A routing move as one machine step: the routing row is written when it changed, then adopted with its events.
    func routingMove<T: Sendable>(_ body: (inout RuntimeMachine) throws(MachineGuardError) -> T)
        async throws(RuntimeDriverError)
        -> T
    {
        try await perform(decide(body))
    }

    func saveRouting(_ routing: ModelRoutingState) async throws(RuntimeDriverError) {
        do {
            try await store.saveRouting(runtimeID, routing)
        } catch {
            throw Self.driverError(error)
        }
    }

    /// Records the identity the session was built with, the first time only (later the stored one wins).
    public func hydrateIdentity(_ resolved: ResolvedLLMIdentity) async throws(RuntimeDriverError) {
        try await gated { () throws(RuntimeDriverError) in
            _ = try await routingMove { machine throws(MachineGuardError) in
                try machine.hydrateIdentity(
                    resolved.identity, capabilities: resolved.capabilities, hiddenTools: resolved.hiddenTools)
            }
        }
    }

    /// `configure_model_routing_baseline` (RUNTIME.md §13).
    public func configureModelRoutingBaseline(model: ModelID, realtimeCapable: Bool) async throws(RuntimeDriverError) {
        try await gated { () throws(RuntimeDriverError) in
            try await routingMove { machine throws(MachineGuardError) in
                try machine.configureRoutingBaseline(model: model, realtime: realtimeCapable)
            }
        }
    }

    /// `admit_model_routing_assistant_turn` (RUNTIME.md §13): called once per assistant turn by the agent path.
    public func admitModelRoutingAssistantTurn() async throws(RuntimeDriverError) -> AssistantTurnRoute {
        try await gated { () throws(RuntimeDriverError) -> AssistantTurnRoute in
            let model = try await routingMove { machine throws(MachineGuardError) in
                try machine.admitAssistantTurn()
            }
            return AssistantTurnRoute(model: model, identity: machine.routing.identity, status: machine.routing.status)
        }
    }

    /// `request_switch_turn` (RUNTIME.md §13). A finite switch is recorded pending for the next boundary. An
    /// `until_changed` switch runs a full reconfiguration to the target under the same gate hold; its failure records
    /// the request's terminal and rethrows, changing nothing else.
    public func requestSwitchTurn(_ request: SwitchTurnRequest) async throws(RuntimeDriverError)
        -> SwitchTurnControlResult
    {
        try await gated { () throws(RuntimeDriverError) -> SwitchTurnControlResult in
            let result = try decide { machine throws(MachineGuardError) in try machine.requestSwitchTurn(request) }
                .value
            guard case .applied = result, request.duration == .untilChanged else {
                return try await routingMove { machine throws(MachineGuardError) in
                    try machine.requestSwitchTurn(request)
                }
            }
            do throws(RuntimeDriverError) {
                _ = try await reconfigureLocked(SessionLLMReconfigureRequest(model: request.targetModel)) {
                    draft throws(MachineGuardError) in
                    try draft.applyUntilChanged(request)
                }
            } catch {
                try await routingMove { machine throws(MachineGuardError) in
                    try machine.failUntilChanged(request, reason: error.description)
                }
                throw error
            }
            return result
        }
    }

    /// `reconfigure_session_llm_identity` (RUNTIME.md §12).
    public func reconfigureLLMIdentity(_ request: SessionLLMReconfigureRequest) async throws(RuntimeDriverError)
        -> SessionLLMReconfigureReport
    {
        try await gated { () throws(RuntimeDriverError) -> SessionLLMReconfigureReport in
            try await reconfigureLocked(request) { _ throws(MachineGuardError) in }
        }
    }

    /// The reconfiguration transaction; the caller holds the gate (so it serialises with turn commits). `extra`
    /// adds further moves to the same decided draft (an `until_changed` switch's baseline and terminal).
    func reconfigureLocked(
        _ request: SessionLLMReconfigureRequest, extra: (inout RuntimeMachine) throws(MachineGuardError) -> Void
    ) async throws(RuntimeDriverError) -> SessionLLMReconfigureReport {
        if unregistered { throw .notFound(runtimeID: runtimeID) }
        do {
            try machine.requireState([.idle, .attached, .running], for: "reconfigure_session_llm_identity")
        } catch {
            throw error.driverError
        }
        guard let host = reconfigureHost else {
            throw .internal("no LLM reconfigure host is installed for session \(sessionID)")
        }
        guard let current = machine.routing.identity, let currentCapabilities = machine.routing.capabilities else {
            throw .validationFailed(reason: "session \(sessionID) has no resolved LLM identity yet")
        }
        let previous = ResolvedLLMIdentity(
            identity: current, capabilities: currentCapabilities,
            hiddenTools: machine.routing.visibility.capabilityBaseFilter)
        let target = try await host.resolve(current: current, request: request)
        // The host's await may have let other gated-out readers run, never writers: the machine is unchanged.
        let planned = machine.routing.plannedVisibility(hiddenTools: target.hiddenTools)
        let step = try decide { machine throws(MachineGuardError) -> SessionLLMReconfigureReport in
            let report = try machine.commitReconfigure(
                previous: current, previousCapabilities: currentCapabilities,
                previousFilter: previous.hiddenTools, target: target.identity, capabilities: target.capabilities,
                visibility: planned)
            try extra(&machine)
            return report
        }
        // Three stores take part (the live session, the routing row, the session's stored identity) and share no
        // transaction: the routing row is written only after the live session took the target, and rewritten to
        // the adopted state when the identity cannot be persisted. The machine adopts the step only at the end.
        do {
            try await host.applyLive(target)
            try await write(step.effects)
        } catch {
            try await rollback(host, to: previous)
            throw error
        }
        do {
            try await host.persist(target.identity)
        } catch {
            // Undo exactly the row this transaction wrote (the gate is still held: nobody wrote after it).
            try await saveRouting(machine.routing)
            try await rollback(host, to: previous)
            throw error
        }
        return await adoptWritten(step)
    }

    /// Rolls the live session back; when that fails, discards it and forgets the machine's LLM identity so the
    /// next use rebuilds both from durable state.
    private func rollback(_ host: any LLMReconfigureHost, to previous: ResolvedLLMIdentity)
        async throws(RuntimeDriverError)
    {
        do {
            try await host.rollbackLive(to: previous)
        } catch {
            await host.discardLive()
            // Memory only: the durable identity is the one the next use rebuilds from.
            machine.adopt(machine.step(at: now()) { machine in machine.routing.forgetIdentity() })
            throw .internal("reconfiguration failed and its rollback failed too: \(error)")
        }
    }

    // MARK: Image operations (RUNTIME.md §14)

    /// `deny_image_operation_plan`: only for an operation id not yet recorded.
    public func denyImageOperationPlan(_ operation: ImageOperationID, reason: ImageOperationDenialReason)
        async throws(RuntimeDriverError) -> ImageOperationPhase
    {
        try await imageMove { routing throws(RoutingGuardError) in
            try routing.denyImageOperationPlan(operation, reason: reason)
        }
    }

    /// `begin_image_operation`.
    public func beginImageOperation(_ request: ImageOperationRoutingRequest) async throws(RuntimeDriverError)
        -> ImageOperationRoutingResult
    {
        try await imageMove { routing throws(RoutingGuardError) in
            try routing.beginImageOperation(request)
        }
    }

    /// `activate_image_operation_override`.
    public func activateImageOperationOverride(_ operation: ImageOperationID) async throws(RuntimeDriverError)
        -> ImageOperationPhase
    {
        try await imageMove { routing throws(RoutingGuardError) in
            try routing.activateImageOperationOverride(operation)
        }
    }

    /// `classify_image_operation_terminal` (RUNTIME.md §14 step 5): the class is recorded with the operation.
    public func classifyImageOperationTerminal(
        _ operation: ImageOperationID, observation: ImageProviderTerminalObservation, providerText: String?
    ) async throws(RuntimeDriverError) -> ImageOperationTerminalClass {
        try await imageMove { routing throws(RoutingGuardError) in
            try routing.classifyImageOperation(operation, observation: observation, providerText: providerText)
        }
    }

    /// `complete_image_operation`.
    public func completeImageOperation(_ operation: ImageOperationID, terminal: ImageOperationTerminalClass)
        async throws(RuntimeDriverError) -> ImageOperationPhase
    {
        try await imageMove { routing throws(RoutingGuardError) in
            try routing.completeImageOperation(operation, terminal: terminal)
        }
    }

    /// `restore_image_operation_override`: callable on every error path, idempotent.
    public func restoreImageOperationOverride(
        _ operation: ImageOperationID, fallback: ImageOperationTerminalClass = .cancelled
    ) async throws(RuntimeDriverError) -> ImageOperationPhase {
        try await imageMove { routing throws(RoutingGuardError) in
            try routing.restoreImageOperationOverride(operation, fallback: fallback)
        }
    }

    /// One image-operation move (RUNTIME.md §14) under the mutation gate: decided on the routing state, written,
    /// then adopted (a refused move or a failed write changes nothing).
    private func imageMove<T: Sendable>(_ body: (inout ModelRoutingState) throws(RoutingGuardError) -> T)
        async throws(RuntimeDriverError) -> T
    {
        try await gated { () throws(RuntimeDriverError) -> T in
            try await routingMove { machine throws(MachineGuardError) in try machine.imageOperation(body) }
        }
    }
}
