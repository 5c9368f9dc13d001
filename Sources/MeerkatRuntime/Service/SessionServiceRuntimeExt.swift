public import Foundation
public import MeerkatCore

/// Runtime mode of a session service instance: this project is runtime-backed only.
public enum RuntimeMode: Sendable, Hashable {
    /// Full v9 runtime-backed mode.
    case v9Compliant
}

/// How an interaction is selected for a terminal-status query.
public enum InteractionSelector: Sendable, Hashable {
    case inputID(InputID)
    case idempotencyKey(IdempotencyKey)
}

/// Where a status answer came from.
public enum StatusSource: String, Sendable, Hashable, Codable {
    case liveRuntime = "live_runtime"
    case durableStore = "durable_store"
}

/// "Did it finish, and how" for one input (RUNTIME.md §11.6).
public struct InteractionTerminalStatus: Sendable, Hashable {
    public var source: StatusSource
    public var inputID: InputID
    public var phase: InputLifecycleState
    public var terminal: InputTerminalOutcome?
    public var resolvingRunID: RunID?
    public var attemptCount: Int
    public var idempotencyKey: IdempotencyKey?
    public var updatedAt: Date
}

/// What is known about a run from its witnesses (RUNTIME.md §11.6).
public enum RunTerminalStatus: Sendable, Hashable {
    /// No input is attributed to the run (not a failure: re-staging rebinds attribution).
    case noDurableWitness
    /// Some contributor is still active.
    case inFlight
    /// Every contributor is terminal.
    case resolvedConsumed
    case resolvedAbandoned(InputAbandonReason)
    case resolvedDisplaced
}

/// The runtime extension of the session service: every way surfaces reach a session's runtime (the seed's
/// `SessionServiceRuntimeExt`), including LLM identity reconfiguration, model routing and image-operation routing
/// (RUNTIME.md §12–§14). No method has a default: every conformer answers each one.
public protocol SessionServiceRuntimeExt: Sendable {
    var runtimeMode: RuntimeMode { get }
    func acceptInput(_ input: Input, session: SessionID) async throws(RuntimeDriverError) -> AcceptOutcome
    func acceptInputWithCompletion(_ input: Input, session: SessionID) async throws(RuntimeDriverError)
        -> (AcceptOutcome, CompletionHandle?)
    func runtimeState(session: SessionID) async throws(RuntimeDriverError) -> RuntimeState
    func resolvedSessionLLMCapabilities(session: SessionID) async throws(RuntimeDriverError)
        -> SessionLLMCapabilitySurface?
    func retireRuntime(session: SessionID) async throws(RuntimeDriverError) -> RetireReport
    func resetRuntime(session: SessionID) async throws(RuntimeDriverError) -> ResetReport
    func inputState(_ input: InputID, session: SessionID) async throws(RuntimeDriverError) -> StoredInputState?
    func listActiveInputs(session: SessionID) async throws(RuntimeDriverError) -> [InputID]
    func reconfigureSessionLLMIdentity(session: SessionID, _ request: SessionLLMReconfigureRequest)
        async throws(RuntimeDriverError) -> SessionLLMReconfigureReport
    func configureModelRoutingBaseline(session: SessionID, baselineModel: ModelID, realtimeCapable: Bool)
        async throws(RuntimeDriverError)
    func sessionModelRoutingStatus(session: SessionID) async throws(RuntimeDriverError) -> SessionModelRoutingStatus
    func requestSwitchTurn(session: SessionID, _ request: SwitchTurnRequest) async throws(RuntimeDriverError)
        -> SwitchTurnControlResult
    func admitModelRoutingAssistantTurn(session: SessionID) async throws(RuntimeDriverError)
    func denyImageOperationPlan(session: SessionID, operation: ImageOperationID, reason: ImageOperationDenialReason)
        async throws(RuntimeDriverError) -> ImageOperationPhase
    func classifyImageOperationTerminal(
        session: SessionID, operation: ImageOperationID, observation: ImageProviderTerminalObservation,
        providerText: String?
    ) async throws(RuntimeDriverError) -> ImageOperationTerminalClass
    func beginImageOperation(session: SessionID, _ request: ImageOperationRoutingRequest)
        async throws(RuntimeDriverError)
        -> ImageOperationRoutingResult
    func activateImageOperationOverride(session: SessionID, operation: ImageOperationID)
        async throws(RuntimeDriverError)
        -> ImageOperationPhase
    func completeImageOperation(session: SessionID, operation: ImageOperationID, terminal: ImageOperationTerminalClass)
        async throws(RuntimeDriverError) -> ImageOperationPhase
    func restoreImageOperationOverride(session: SessionID, operation: ImageOperationID) async throws(RuntimeDriverError)
        -> ImageOperationPhase
    func inputStateByIdempotencyKey(_ key: IdempotencyKey, session: SessionID) async throws(RuntimeDriverError)
        -> StoredInputState?
    func inputTerminalCompletion(_ input: InputID, session: SessionID) async throws(RuntimeDriverError)
        -> CompletionOutcome?
    func interactionTerminalStatus(session: SessionID, _ selector: InteractionSelector) async throws(RuntimeDriverError)
        -> InteractionTerminalStatus?
    func runTerminalStatus(session: SessionID, run: RunID) async throws(RuntimeDriverError) -> RunTerminalStatus
}

extension SessionServiceRuntimeExt {
    public var runtimeMode: RuntimeMode { .v9Compliant }
}
