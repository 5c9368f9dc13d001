import Foundation
import MeerkatCore

/// Lifecycle guards of the routing moves (RUNTIME.md §12–§14); the moves themselves live on `ModelRoutingState`.
extension RuntimeMachine {
    /// Fails unless the runtime is in one of `allowed`.
    func requireState(_ allowed: Set<RuntimeState>, for operation: String) throws(MachineGuardError) {
        if state == .destroyed { throw .destroyed }
        guard allowed.contains(state) else { throw .notReady(operation: operation, state: state) }
    }

    /// Runs a routing move on the routing state; a refused move changes nothing.
    mutating func route<T>(_ body: (inout ModelRoutingState) throws(RoutingGuardError) -> T)
        throws(MachineGuardError) -> T
    {
        var draft = routing
        do {
            let value = try body(&draft)
            routing = draft
            return value
        } catch {
            throw .routing(error)
        }
    }

    /// `configure_model_routing_baseline`: allowed in idle, attached, running and retired.
    public mutating func configureRoutingBaseline(model: ModelID, realtime: Bool) throws(MachineGuardError) {
        try requireState([.idle, .attached, .running, .retired], for: "configure_model_routing_baseline")
        routing.configureBaseline(model: model, realtime: realtime)
    }

    /// Records the identity the session was built with (first time only).
    public mutating func hydrateIdentity(
        _ identity: SessionLLMIdentity, capabilities: SessionLLMCapabilitySurface, hiddenTools: [String]
    ) throws(MachineGuardError) -> Bool {
        if state == .destroyed { throw .destroyed }
        return routing.hydrate(identity: identity, capabilities: capabilities, hiddenTools: hiddenTools)
    }

    /// `request_switch_turn`: allowed while the runtime accepts input (idle, attached, running).
    public mutating func requestSwitchTurn(_ request: SwitchTurnRequest) throws(MachineGuardError)
        -> SwitchTurnControlResult
    {
        try requireState([.idle, .attached, .running], for: "request_switch_turn")
        return try route { routing throws(RoutingGuardError) in try routing.requestSwitch(request) }
    }

    /// `admit_model_routing_assistant_turn`: once per assistant turn; returns the model that turn uses.
    public mutating func admitAssistantTurn() throws(MachineGuardError) -> ModelID? {
        try requireState([.idle, .attached, .running, .retired], for: "admit_model_routing_assistant_turn")
        return routing.admitAssistantTurn()
    }

    /// Commits a planned reconfiguration (RUNTIME.md §12): only in idle, attached or running.
    public mutating func commitReconfigure(
        previous: SessionLLMIdentity, previousCapabilities: SessionLLMCapabilitySurface?, previousFilter: [String],
        target: SessionLLMIdentity, capabilities: SessionLLMCapabilitySurface,
        visibility: ModelRoutingState.ToolVisibility
    ) throws(MachineGuardError) -> SessionLLMReconfigureReport {
        try requireState([.idle, .attached, .running], for: "reconfigure_session_llm_identity")
        return try route { routing throws(RoutingGuardError) in
            try routing.commitReconfigure(
                previous: previous, previousCapabilities: previousCapabilities, previousFilter: previousFilter,
                target: target, capabilities: capabilities, visibility: visibility)
        }
    }

    /// Commits an `until_changed` switch whose reconfiguration succeeded.
    public mutating func applyUntilChanged(_ request: SwitchTurnRequest) throws(MachineGuardError) {
        if state == .destroyed { throw .destroyed }
        routing.applyUntilChanged(request)
    }

    /// Records a failed `until_changed` switch.
    public mutating func failUntilChanged(_ request: SwitchTurnRequest, reason: String) throws(MachineGuardError) {
        if state == .destroyed { throw .destroyed }
        routing.failUntilChanged(request, reason: reason)
    }

    /// Any image-operation move (RUNTIME.md §14); refused only on a destroyed runtime and by the move's own guards.
    public mutating func imageOperation<T>(_ body: (inout ModelRoutingState) throws(RoutingGuardError) -> T)
        throws(MachineGuardError) -> T
    {
        if state == .destroyed { throw .destroyed }
        return try route(body)
    }

    /// Crash recovery of routing: no operation override survives a restart (see `recoverImageOperations`).
    public mutating func recoverRouting(_ stored: ModelRoutingState) -> [ImageOperationID] {
        routing = stored
        return routing.recoverImageOperations()
    }
}
