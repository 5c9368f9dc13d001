import Foundation
import MeerkatCore
import Testing

@testable import MeerkatRuntime

/// RUNTIME.md §13: every disposition, denial reason and transition of the model routing state, one test each.
@Suite("Model routing state (RUNTIME.md §13)")
struct ModelRoutingStateTests {
    static func hydrated(model: String = "base-model") -> ModelRoutingState {
        var state = ModelRoutingState()
        state.hydrate(
            identity: SessionLLMIdentity(model: model, provider: "anthropic"),
            capabilities: SessionLLMCapabilitySurface(imageToolResults: true), hiddenTools: [])
        return state
    }

    static func switchTo(_ model: String, _ duration: SwitchTurnDuration, id: String = "r1") -> SwitchTurnRequest {
        SwitchTurnRequest(requestID: id, targetModel: model, duration: duration)
    }

    @Test func configureBaselineSetsBaselineAndBumpsEpoch() {
        var state = ModelRoutingState()
        state.configureBaseline(model: "m", realtime: true)
        #expect(state.baseline == .init(model: "m", realtime: true))
        #expect(state.topologyEpoch == 1)
        #expect(state.status.baselineModel == "m" && state.status.effectiveModel == "m")
    }

    @Test func hydrationSetsIdentityBaselineAndProviderOnce() {
        var state = Self.hydrated()
        #expect(state.status.sessionProvider == "anthropic")
        #expect(state.status.baselineModel == "base-model")
        let changed = state.hydrate(
            identity: SessionLLMIdentity(model: "other", provider: "openai"), capabilities: .init(), hiddenTools: [])
        #expect(!changed)
        #expect(state.identity?.model == "base-model")
    }

    @Test func statusBeforeHydrationHasNoProvider() {
        #expect(ModelRoutingState().status.sessionProvider == nil)
        #expect(ModelRoutingState().status.effectiveModel == nil)
    }

    @Test func finiteSwitchIsPendingForTheBoundary() throws {
        var state = Self.hydrated()
        let result = try state.requestSwitch(Self.switchTo("t", .turns(2)))
        #expect(result == .applied(requestID: "r1", targetModel: "t", duration: .turns(2)))
        #expect(state.pendingSwitch?.turns == 2)
        #expect(state.effectiveModel == "base-model")
    }

    @Test func oneTurnIsFiniteWithOneTurn() throws {
        var state = Self.hydrated()
        _ = try state.requestSwitch(Self.switchTo("t", .oneTurn))
        #expect(state.pendingSwitch?.turns == 1)
        #expect(state.admitAssistantTurn() == "t")
        #expect(state.admitAssistantTurn() == "base-model")
        #expect(state.requestTerminal("r1") == .consumedAndRestored)
    }

    @Test func turnsTwoRoutesExactlyTwoTurnsThenRestoresWithEpochBumps() throws {
        var state = Self.hydrated()
        let epoch = state.topologyEpoch
        _ = try state.requestSwitch(Self.switchTo("t", .turns(2)))
        #expect(state.admitAssistantTurn() == "t")  // pending → active, epoch + 1
        #expect(state.topologyEpoch == epoch + 1)
        #expect(state.turnOverride?.remainingTurns == 2)
        #expect(state.admitAssistantTurn() == "t")  // > 1 remaining → decrement
        #expect(state.turnOverride?.remainingTurns == 1)
        #expect(state.topologyEpoch == epoch + 1)
        #expect(state.admitAssistantTurn() == "base-model")  // exactly 1 → cleared, epoch + 1
        #expect(state.turnOverride == nil)
        #expect(state.topologyEpoch == epoch + 2)
        #expect(state.requestTerminal("r1") == .consumedAndRestored)
    }

    @Test func admitWithoutOverrideChangesNothing() {
        var state = Self.hydrated()
        let before = state
        #expect(state.admitAssistantTurn() == "base-model")
        #expect(state == before)
    }

    @Test func approvalRequiredButUnavailableIsDenied() throws {
        var state = Self.hydrated()
        var request = Self.switchTo("t", .oneTurn)
        request.approval = .requiredButUnavailable
        let result = try state.requestSwitch(request)
        #expect(result == .denied(requestID: "r1", reason: "approval_required_but_unavailable"))
        #expect(state.requestTerminal("r1") == .denied(reason: .approvalRequiredButUnavailable))
        #expect(state.pendingSwitch == nil)
    }

    @Test func deniedDuringApprovalCarriesItsReason() throws {
        var state = Self.hydrated()
        var request = Self.switchTo("t", .turns(3))
        request.approval = .deniedByUser
        request.approvalReason = .realtimeDetachRequired
        let result = try state.requestSwitch(request)
        #expect(result == .denied(requestID: "r1", reason: "denied_during_approval(realtime_detach_required)"))
    }

    @Test func deniedDuringApprovalWithoutReasonIsRefused() {
        var state = Self.hydrated()
        var request = Self.switchTo("t", .oneTurn)
        request.approval = .deniedByUser
        let before = state
        #expect(throws: RoutingGuardError.self) { try state.requestSwitch(request) }
        #expect(state == before)
    }

    @Test func approvedSwitchIsAccepted() throws {
        var state = Self.hydrated()
        var request = Self.switchTo("t", .oneTurn)
        request.approval = .approved
        #expect(try state.requestSwitch(request) == .applied(requestID: "r1", targetModel: "t", duration: .oneTurn))
    }

    @Test func scopedConflictWithPendingSwitch() throws {
        var state = Self.hydrated()
        _ = try state.requestSwitch(Self.switchTo("t", .oneTurn))
        let result = try state.requestSwitch(Self.switchTo("u", .oneTurn, id: "r2"))
        #expect(result == .denied(requestID: "r2", reason: "scoped_override_conflict"))
    }

    @Test func scopedConflictWithActiveTurnOverride() throws {
        var state = Self.hydrated()
        _ = try state.requestSwitch(Self.switchTo("t", .turns(2)))
        state.admitAssistantTurn()
        let result = try state.requestSwitch(Self.switchTo("u", .oneTurn, id: "r2"))
        #expect(result == .denied(requestID: "r2", reason: "scoped_override_conflict"))
    }

    @Test func scopedConflictWithActiveOperationOverride() throws {
        var state = Self.hydrated()
        _ = try state.beginImageOperation(.init(operationID: "op", targetModel: "img", requiresScopedOverride: true))
        _ = try state.activateImageOperationOverride("op")
        let result = try state.requestSwitch(Self.switchTo("u", .oneTurn, id: "r2"))
        #expect(result == .denied(requestID: "r2", reason: "scoped_override_conflict"))
    }

    @Test func finiteSwitchRequiresAKnownBaseline() throws {
        var state = ModelRoutingState()
        let result = try state.requestSwitch(Self.switchTo("t", .oneTurn))
        #expect(result == .denied(requestID: "r1", reason: "unknown_baseline"))
    }

    @Test func zeroTurnsIsDenied() throws {
        var state = Self.hydrated()
        #expect(
            try state.requestSwitch(Self.switchTo("t", .turns(0)))
                == .denied(requestID: "r1", reason: "invalid_duration"))
    }

    @Test func duplicateRequestIDIsRefused() throws {
        var state = Self.hydrated()
        _ = try state.requestSwitch(Self.switchTo("t", .oneTurn))
        #expect(throws: RoutingGuardError.duplicateRequest("r1")) {
            try state.requestSwitch(Self.switchTo("t", .oneTurn))
        }
    }

    @Test func untilChangedHasNoScopedConflictRule() throws {
        var state = Self.hydrated()
        _ = try state.requestSwitch(Self.switchTo("t", .turns(2)))
        state.admitAssistantTurn()
        let result = try state.requestSwitch(Self.switchTo("u", .untilChanged, id: "r2"))
        #expect(result == .applied(requestID: "r2", targetModel: "u", duration: .untilChanged))
    }

    /// Reference gap: `until_changed` silently overwrote a pending finite request. Here the pending one is
    /// superseded with its own terminal.
    @Test func untilChangedSupersedesAPendingFiniteRequestWithATerminal() throws {
        var state = Self.hydrated()
        _ = try state.requestSwitch(Self.switchTo("t", .turns(2)))
        let until = Self.switchTo("u", .untilChanged, id: "r2")
        _ = try state.requestSwitch(until)
        state.applyUntilChanged(until)
        #expect(state.pendingSwitch == nil)
        #expect(state.requestTerminal("r1") == .superseded(by: "r2"))
        #expect(state.requestTerminal("r2") == .persistentReconfigureApplied)
        #expect(state.baseline?.model == "u")
    }

    @Test func untilChangedKeepsAnActiveOverrideThenRestoresToTheNewBaseline() throws {
        var state = Self.hydrated()
        _ = try state.requestSwitch(Self.switchTo("t", .turns(2)))
        state.admitAssistantTurn()
        state.applyUntilChanged(Self.switchTo("u", .untilChanged, id: "r2"))
        #expect(state.effectiveModel == "t")
        state.admitAssistantTurn()
        #expect(state.admitAssistantTurn() == "u")
        #expect(state.requestTerminal("r1") == .consumedAndRestored)
    }

    @Test func failedUntilChangedRecordsOnlyItsTerminal() {
        var state = Self.hydrated()
        let before = state
        state.failUntilChanged(Self.switchTo("u", .untilChanged), reason: "boom")
        #expect(state.requestTerminal("r1") == .reconfigureFailed(reason: "boom"))
        #expect(state.baseline == before.baseline && state.identity == before.identity)
    }

    /// Reference gap: per-request maps grew for the life of the session. Terminal records are bounded.
    @Test func terminalRecordsAreBounded() throws {
        var state = Self.hydrated()
        for index in 0..<(ModelRoutingState.terminalRecordLimit + 40) {
            _ = try state.requestSwitch(Self.switchTo("t", .oneTurn, id: "r\(index)"))
            state.admitAssistantTurn()
            state.admitAssistantTurn()
        }
        #expect(state.requestTerminals.count == ModelRoutingState.terminalRecordLimit)
        #expect(state.requestTerminal("r0") == nil)
        #expect(state.requestTerminal("r\(ModelRoutingState.terminalRecordLimit + 39)") == .consumedAndRestored)
        for index in 0..<(ModelRoutingState.terminalRecordLimit + 10) {
            _ = try state.denyImageOperationPlan("op\(index)", reason: .costPolicy)
        }
        #expect(state.operations.count == ModelRoutingState.terminalRecordLimit)
    }

    @Test func routingStateRoundTripsThroughJSON() throws {
        var state = Self.hydrated()
        _ = try state.requestSwitch(Self.switchTo("t", .turns(2)))
        state.admitAssistantTurn()
        _ = try state.beginImageOperation(.init(operationID: "op", targetModel: "img", requiresScopedOverride: true))
        _ = try state.activateImageOperationOverride("op")
        let data = try WireJSON.encoder().encode(state)
        #expect(try WireJSON.decoder().decode(ModelRoutingState.self, from: data) == state)
    }
}
