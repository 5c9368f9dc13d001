import Foundation
import MeerkatCore

/// A refused routing move: the state is unchanged.
public enum RoutingGuardError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The operation id is not recorded (or already terminal and forgotten).
    case unknownOperation(ImageOperationID)
    /// The operation id is already recorded (a plan denial is only for a new id).
    case operationAlreadyRecorded(ImageOperationID)
    /// The operation's phase does not allow the move.
    case illegalPhase(operation: ImageOperationID, phase: ImageOperationPhase, move: String)
    /// The terminal given to `complete` is not the one the operation may end with.
    case terminalMismatch(
        operation: ImageOperationID, expected: ImageOperationTerminalClass, got: ImageOperationTerminalClass)
    /// The identity, surface or filter a reconfiguration was planned against is no longer the machine's.
    case staleReconfigurePlan(String)
    /// A request id was already used.
    case duplicateRequest(String)
    /// `denied_by_user` without the reason the user gave.
    case approvalReasonRequired(String)

    public var description: String {
        switch self {
        case .unknownOperation(let id): "image operation \(id) is not recorded"
        case .operationAlreadyRecorded(let id): "image operation \(id) is already recorded"
        case .illegalPhase(let id, let phase, let move): "image operation \(id) cannot \(move) in phase \(phase)"
        case .terminalMismatch(let id, let expected, let got):
            "image operation \(id) must complete with the classified terminal \(expected.rawValue), not \(got.rawValue)"
        case .staleReconfigurePlan(let what): "the reconfiguration plan is stale: \(what)"
        case .duplicateRequest(let id): "switch request \(id) was already submitted"
        case .approvalReasonRequired(let id): "request \(id): approval_reason is required with denied_by_user"
        }
    }
}

/// The machine-owned model routing state of one session (RUNTIME.md §12–§14): the LLM identity and its capability
/// surface, the baseline, the finite turn override, the image-operation override, the pending switch, the topology
/// epoch and bounded per-request and per-operation records. A pure value: every method checks all its guards before
/// changing anything, and a refused move throws `RoutingGuardError` and leaves the state as it was. It is persisted
/// whole (one JSON row per runtime) after every accepted move.
public struct ModelRoutingState: Sendable, Hashable, Codable {
    /// How many terminal records (switch requests and image operations, each) are kept. Older ones are dropped first;
    /// a request id is never reused by its caller, so a dropped record only loses history, never a decision.
    public static let terminalRecordLimit = 64

    /// The baseline model and whether it exposes a realtime transport.
    public struct Baseline: Sendable, Hashable, Codable {
        public var model: ModelID
        public var realtime: Bool
    }

    /// The tool-visibility state a reconfiguration plans against (RUNTIME.md §12).
    public struct ToolVisibility: Sendable, Hashable, Codable {
        /// Tools hidden because the model lacks a capability (sorted).
        public var capabilityBaseFilter: [String] = []
        public var activeRevision: UInt64 = 0
        public var stagedRevision: UInt64 = 0

        enum CodingKeys: String, CodingKey {
            case capabilityBaseFilter = "capability_base_filter", activeRevision = "active_revision"
            case stagedRevision = "staged_revision"
        }
    }

    /// One recorded image operation.
    public struct ImageOperationRecord: Sendable, Hashable, Codable {
        public var operationID: ImageOperationID
        public var targetModel: ModelID
        public var targetRealtime: Bool
        public var requiresScopedOverride: Bool
        public var phase: ImageOperationPhase
        /// The terminal `complete` recorded while the scoped override is being restored.
        public var pendingTerminal: ImageOperationTerminalClass?
        /// The terminal `classify_image_operation_terminal` decided; `complete` must name the same one.
        public var classifiedTerminal: ImageOperationTerminalClass?
        /// What the provider said instead of an image (kept with `empty_result`, bounded).
        public var providerText: String?

        enum CodingKeys: String, CodingKey {
            case operationID = "operation_id", targetModel = "target_model", targetRealtime = "target_realtime"
            case requiresScopedOverride = "requires_scoped_override", phase, pendingTerminal = "pending_terminal"
            case classifiedTerminal = "classified_terminal", providerText = "provider_text"
        }
    }

    /// One finished switch request.
    public struct RequestTerminalRecord: Sendable, Hashable, Codable {
        public var requestID: String
        public var terminal: SwitchRequestTerminal
        /// The approval disposition the caller passed.
        public var approval: RoutingApproval

        enum CodingKeys: String, CodingKey { case requestID = "request_id", terminal, approval }
    }

    public internal(set) var baseline: Baseline?
    public internal(set) var identity: SessionLLMIdentity?
    public internal(set) var capabilities: SessionLLMCapabilitySurface?
    public internal(set) var visibility = ToolVisibility()
    public internal(set) var turnOverride: ActiveTurnOverride?
    public internal(set) var operationOverride: ActiveOperationOverride?
    public internal(set) var pendingSwitch: PendingSwitchTurn?
    public internal(set) var topologyEpoch: UInt64 = 0
    /// Non-terminal image operations plus the last `terminalRecordLimit` terminal ones, in recording order.
    public internal(set) var operations: [ImageOperationRecord] = []
    /// The last `terminalRecordLimit` finished switch requests, oldest first.
    public internal(set) var requestTerminals: [RequestTerminalRecord] = []

    enum CodingKeys: String, CodingKey {
        case baseline, identity, capabilities, visibility, turnOverride = "turn_override"
        case operationOverride = "operation_override", pendingSwitch = "pending_switch"
        case topologyEpoch = "topology_epoch", operations, requestTerminals = "request_terminals"
    }

    public init() {}

    // MARK: Queries

    /// Operation override target ?? turn override target ?? baseline.
    public var effectiveModel: ModelID? {
        operationOverride?.targetModel ?? turnOverride?.targetModel ?? baseline?.model
    }

    /// The status surfaces report.
    public var status: SessionModelRoutingStatus {
        SessionModelRoutingStatus(
            baselineModel: baseline?.model, effectiveModel: effectiveModel, sessionProvider: identity?.provider,
            activeTurnOverride: turnOverride, activeOperationOverride: operationOverride,
            pendingSwitchTurn: pendingSwitch, topologyEpoch: topologyEpoch)
    }

    /// The record of an image operation.
    public func operation(_ id: ImageOperationID) -> ImageOperationRecord? {
        operations.last { $0.operationID == id }
    }

    /// The terminal of a finished switch request, if it is still within the bound.
    public func requestTerminal(_ id: String) -> SwitchRequestTerminal? {
        requestTerminals.last { $0.requestID == id }?.terminal
    }

    /// True when `id` names a pending, active or recorded request.
    func knowsRequest(_ id: String) -> Bool {
        pendingSwitch?.requestID == id || turnOverride?.requestID == id || requestTerminal(id) != nil
    }

    // MARK: Baseline and identity

    /// Sets the baseline (RUNTIME.md §13); epoch += 1.
    public mutating func configureBaseline(model: ModelID, realtime: Bool) {
        baseline = Baseline(model: model, realtime: realtime)
        topologyEpoch += 1
    }

    /// Records the identity and surface the session was built with, when the machine has none yet. The baseline
    /// follows the identity's model when it is unknown. Returns true when anything changed.
    @discardableResult
    public mutating func hydrate(
        identity: SessionLLMIdentity, capabilities: SessionLLMCapabilitySurface, hiddenTools: [String]
    )
        -> Bool
    {
        guard self.identity == nil else { return false }
        self.identity = identity
        self.capabilities = capabilities
        visibility.capabilityBaseFilter = hiddenTools.sorted()
        if baseline == nil { configureBaseline(model: identity.model, realtime: capabilities.realtime) }
        return true
    }

    /// The visibility the machine would commit for a target that hides `hiddenTools` (RUNTIME.md §12 revision rule):
    /// when the set flips, `active = max(active, staged) + 1`; `staged = active + 1` when a staged change was pending
    /// (staged > active), else the new active.
    public func plannedVisibility(hiddenTools: [String]) -> ToolVisibility {
        let filter = hiddenTools.sorted()
        guard filter != visibility.capabilityBaseFilter else { return visibility }
        var next = visibility
        next.capabilityBaseFilter = filter
        let stagedPending = visibility.stagedRevision > visibility.activeRevision
        next.activeRevision = max(visibility.activeRevision, visibility.stagedRevision) + 1
        next.stagedRevision = stagedPending ? next.activeRevision + 1 : next.activeRevision
        return next
    }

    /// Commits a reconfiguration (RUNTIME.md §12): the plan must have been made against the machine's current
    /// identity, surface and filter. The baseline follows the new model (keeping status and identity consistent);
    /// epoch += 1 when the effective model changed.
    public mutating func commitReconfigure(
        previous: SessionLLMIdentity, previousCapabilities: SessionLLMCapabilitySurface?, previousFilter: [String],
        target: SessionLLMIdentity, capabilities: SessionLLMCapabilitySurface, visibility planned: ToolVisibility
    ) throws(RoutingGuardError) -> SessionLLMReconfigureReport {
        guard identity == previous else { throw .staleReconfigurePlan("identity") }
        guard self.capabilities == previousCapabilities else { throw .staleReconfigurePlan("capability surface") }
        guard visibility.capabilityBaseFilter == previousFilter else { throw .staleReconfigurePlan("tool filter") }
        let before = visibility
        let effectiveBefore = effectiveModel
        identity = target
        self.capabilities = capabilities
        visibility = planned
        baseline = Baseline(model: target.model, realtime: capabilities.realtime)
        if effectiveModel != effectiveBefore { topologyEpoch += 1 }
        return SessionLLMReconfigureReport(
            previousIdentity: previous, newIdentity: target,
            capabilityDelta: CapabilityDelta(
                previous: previousCapabilities, current: capabilities, changed: previousCapabilities != capabilities),
            toolVisibilityDelta: ToolVisibilityDelta(
                previousCapabilityBaseFilter: before.capabilityBaseFilter,
                currentCapabilityBaseFilter: planned.capabilityBaseFilter,
                committedVisibleSetChanged: before.capabilityBaseFilter != planned.capabilityBaseFilter,
                revisionBumped: planned.activeRevision != before.activeRevision),
            rollbackOccurred: false)
    }

    /// Forgets the identity after a failed rollback: the session is rebuilt and re-hydrated from durable state.
    mutating func forgetIdentity() {
        identity = nil
        capabilities = nil
    }

    // MARK: Switch requests (RUNTIME.md §13)

    /// The approval denial for a disposition, if any.
    static func approvalDenial(_ approval: RoutingApproval, reason: RoutingApprovalReason?) -> SwitchTurnDenialReason? {
        switch approval {
        case .notRequired, .approved: nil
        case .requiredButUnavailable: .approvalRequiredButUnavailable
        case .deniedByUser: .deniedDuringApproval(reason: reason ?? .userConfirmation)
        }
    }

    /// Decides a switch request. Denials are recorded as the request's terminal and returned. A finite switch is
    /// accepted as pending for the next assistant-turn boundary. An `until_changed` switch is only *validated* here
    /// (the caller then runs the reconfiguration and calls `applyUntilChanged`). A request id already seen is refused.
    public mutating func requestSwitch(_ request: SwitchTurnRequest) throws(RoutingGuardError)
        -> SwitchTurnControlResult
    {
        guard !knowsRequest(request.requestID) else { throw .duplicateRequest(request.requestID) }
        if request.approval == .deniedByUser, request.approvalReason == nil {
            // A user denial must say why: refused before anything is recorded.
            throw .approvalReasonRequired(request.requestID)
        }
        if let denial = switchDenial(request) {
            recordTerminal(request.requestID, .denied(reason: denial), approval: request.approval)
            return .denied(requestID: request.requestID, reason: denial.description)
        }
        guard let turns = request.duration.finiteTurns else {
            return .applied(requestID: request.requestID, targetModel: request.targetModel, duration: request.duration)
        }
        pendingSwitch = PendingSwitchTurn(
            requestID: request.requestID, targetModel: request.targetModel,
            targetRealtime: request.targetRealtimeCapable, allowRealtimeDetach: request.allowRealtimeDetach,
            turns: turns)
        return .applied(requestID: request.requestID, targetModel: request.targetModel, duration: request.duration)
    }

    /// The reason a switch request is denied, checked in the order of RUNTIME.md §13.
    func switchDenial(_ request: SwitchTurnRequest) -> SwitchTurnDenialReason? {
        if let denial = Self.approvalDenial(request.approval, reason: request.approvalReason) { return denial }
        if case .turns(let count) = request.duration, count < 1 { return .invalidDuration }
        if request.duration.finiteTurns != nil {
            if turnOverride != nil || operationOverride != nil || pendingSwitch != nil {
                return .scopedOverrideConflict
            }
            if baseline == nil { return .unknownBaseline }
        }
        return nil
    }

    /// Commits an accepted `until_changed` switch after its reconfiguration succeeded: a pending (not yet started)
    /// finite switch is superseded with its own terminal, the baseline becomes the target with its realtime flag,
    /// and the request's terminal is `persistent_reconfigure_applied`. An active turn override keeps its remaining
    /// turns and then restores to the new baseline.
    public mutating func applyUntilChanged(_ request: SwitchTurnRequest) {
        if let pending = pendingSwitch {
            recordTerminal(pending.requestID, .superseded(by: request.requestID), approval: .notRequired)
            pendingSwitch = nil
        }
        let before = effectiveModel
        baseline = Baseline(model: request.targetModel, realtime: request.targetRealtimeCapable)
        if effectiveModel != before { topologyEpoch += 1 }
        recordTerminal(request.requestID, .persistentReconfigureApplied, approval: request.approval)
    }

    /// Records the terminal of an `until_changed` switch whose reconfiguration failed (nothing else changes).
    public mutating func failUntilChanged(_ request: SwitchTurnRequest, reason: String) {
        recordTerminal(request.requestID, .reconfigureFailed(reason: reason), approval: request.approval)
    }

    /// One assistant turn is starting (RUNTIME.md §13): a pending finite switch becomes the active override
    /// (epoch += 1); an active override with more than one turn left is decremented; with exactly one left it is
    /// cleared with terminal `consumed_and_restored` (epoch += 1). Returns the model the turn must use: the
    /// effective model after admission, so `turns{2}` routes exactly two turns to the target and the third back.
    @discardableResult
    public mutating func admitAssistantTurn() -> ModelID? {
        if let override = turnOverride {
            if override.remainingTurns > 1 {
                turnOverride?.remainingTurns -= 1
            } else {
                turnOverride = nil
                recordTerminal(override.requestID, .consumedAndRestored, approval: .notRequired)
                topologyEpoch += 1
            }
            return effectiveModel
        }
        if let pending = pendingSwitch {
            pendingSwitch = nil
            turnOverride = ActiveTurnOverride(
                requestID: pending.requestID, targetModel: pending.targetModel, targetRealtime: pending.targetRealtime,
                remainingTurns: pending.turns)
            topologyEpoch += 1
        }
        return effectiveModel
    }

    mutating func recordTerminal(_ id: String, _ terminal: SwitchRequestTerminal, approval: RoutingApproval) {
        requestTerminals.append(RequestTerminalRecord(requestID: id, terminal: terminal, approval: approval))
        if requestTerminals.count > Self.terminalRecordLimit {
            requestTerminals.removeFirst(requestTerminals.count - Self.terminalRecordLimit)
        }
    }
}
