import Foundation
import MeerkatCore
import Testing

@testable import MeerkatRuntime

/// RUNTIME.md §14: every phase transition, denial reason and terminal class of the image-operation protocol.
@Suite("Image operation routing (RUNTIME.md §14)")
struct ImageOperationRoutingTests {
    static func request(
        _ id: String = "op", scoped: Bool = true, approval: RoutingApproval = .notRequired,
        reason: RoutingApprovalReason? = nil
    ) -> ImageOperationRoutingRequest {
        ImageOperationRoutingRequest(
            operationID: id, targetModel: "image-model", requiresScopedOverride: scoped, approval: approval,
            approvalReason: reason)
    }

    /// A hydrated state with operation "op" planned.
    static func planned(scoped: Bool) throws -> ModelRoutingState {
        var state = ModelRoutingStateTests.hydrated()
        _ = try state.beginImageOperation(request(scoped: scoped))
        return state
    }

    @Test func denyPlanMakesANewOperationTerminalDenied() throws {
        var state = ModelRoutingStateTests.hydrated()
        #expect(try state.denyImageOperationPlan("op", reason: .unsupportedTarget) == .terminal(.denied))
        #expect(state.operation("op")?.phase == .terminal(.denied))
    }

    @Test func denyPlanIsOnlyForAnUnrecordedOperation() throws {
        var state = ModelRoutingStateTests.hydrated()
        _ = try state.beginImageOperation(Self.request())
        #expect(throws: RoutingGuardError.operationAlreadyRecorded("op")) {
            try state.denyImageOperationPlan("op", reason: .costPolicy)
        }
    }

    @Test func beginResolvesThePlan() throws {
        var state = ModelRoutingStateTests.hydrated()
        #expect(try state.beginImageOperation(Self.request()) == .accepted(operationID: "op", phase: .planResolved))
        #expect(state.operation("op")?.targetModel == "image-model")
    }

    @Test func beginDeniedWhenAnotherOperationOverrideIsActive() throws {
        var state = ModelRoutingStateTests.hydrated()
        _ = try state.beginImageOperation(Self.request("a"))
        _ = try state.activateImageOperationOverride("a")
        #expect(
            try state.beginImageOperation(Self.request("b"))
                == .denied(operationID: "b", reason: "scoped_override_conflict"))
        #expect(state.operation("b")?.phase == .terminal(.denied))
    }

    @Test func beginDeniedWhenApprovalIsUnavailable() throws {
        var state = ModelRoutingStateTests.hydrated()
        #expect(
            try state.beginImageOperation(Self.request(approval: .requiredButUnavailable))
                == .denied(operationID: "op", reason: "approval_required_but_unavailable"))
    }

    @Test func beginDeniedDuringApproval() throws {
        var state = ModelRoutingStateTests.hydrated()
        #expect(
            try state.beginImageOperation(Self.request(approval: .deniedByUser, reason: .costPolicy))
                == .denied(operationID: "op", reason: "denied_during_approval(approvable: true)"))
    }

    @Test func beginRequiresAKnownBaseline() throws {
        var state = ModelRoutingState()
        #expect(
            try state.beginImageOperation(Self.request()) == .denied(operationID: "op", reason: "unknown_baseline"))
    }

    @Test func activateMakesTheOverrideEffectiveAndBumpsTheEpoch() throws {
        var state = ModelRoutingStateTests.hydrated()
        _ = try state.beginImageOperation(Self.request())
        let epoch = state.topologyEpoch
        #expect(try state.activateImageOperationOverride("op") == .scopedOverrideActive)
        #expect(state.effectiveModel == "image-model")
        #expect(state.topologyEpoch == epoch + 1)
        #expect(state.status.activeOperationOverride?.operationID == "op")
    }

    @Test func operationOverrideCoexistsWithATurnOverrideAndWins() throws {
        var state = ModelRoutingStateTests.hydrated()
        _ = try state.requestSwitch(.init(requestID: "r", targetModel: "turn-model", duration: .turns(3)))
        state.admitAssistantTurn()
        _ = try state.beginImageOperation(Self.request())
        _ = try state.activateImageOperationOverride("op")
        #expect(state.effectiveModel == "image-model")
        #expect(state.turnOverride?.targetModel == "turn-model")
        _ = try state.restoreImageOperationOverride("op")
        #expect(state.effectiveModel == "turn-model")
    }

    @Test func activateRefusedWithoutScopedRequirementOrTwice() throws {
        var state = ModelRoutingStateTests.hydrated()
        _ = try state.beginImageOperation(Self.request("plain", scoped: false))
        #expect(throws: RoutingGuardError.self) { try state.activateImageOperationOverride("plain") }
        _ = try state.beginImageOperation(Self.request())
        _ = try state.activateImageOperationOverride("op")
        #expect(throws: RoutingGuardError.self) { try state.activateImageOperationOverride("op") }
        #expect(throws: RoutingGuardError.unknownOperation("nope")) {
            try state.activateImageOperationOverride("nope")
        }
    }

    @Test func completeWithScopedOverrideGoesToRestoring() throws {
        var state = ModelRoutingStateTests.hydrated()
        _ = try state.beginImageOperation(Self.request())
        _ = try state.activateImageOperationOverride("op")
        #expect(try state.completeImageOperation("op", terminal: .generated) == .restoringScopedOverride)
        #expect(state.operationOverride != nil)
        let epoch = state.topologyEpoch
        #expect(try state.restoreImageOperationOverride("op") == .terminal(.generated))
        #expect(state.operationOverride == nil)
        #expect(state.topologyEpoch == epoch + 1)
    }

    @Test func completeWithoutScopedOverrideIsTerminal() throws {
        var state = ModelRoutingStateTests.hydrated()
        _ = try state.beginImageOperation(Self.request(scoped: false))
        #expect(try state.completeImageOperation("op", terminal: .emptyResult) == .terminal(.emptyResult))
        #expect(throws: RoutingGuardError.self) { try state.completeImageOperation("op", terminal: .failed) }
    }

    /// Reference gap: an operation cancelled between activate and restore could leave the override active. Restore
    /// works from any phase, on every error path, and is idempotent.
    @Test func restoreOnAnErrorPathClearsTheOverrideAndIsIdempotent() throws {
        var state = ModelRoutingStateTests.hydrated()
        _ = try state.beginImageOperation(Self.request())
        _ = try state.activateImageOperationOverride("op")
        #expect(try state.restoreImageOperationOverride("op", fallback: .cancelled) == .terminal(.cancelled))
        #expect(state.operationOverride == nil)
        let after = state
        #expect(try state.restoreImageOperationOverride("op") == .terminal(.cancelled))
        #expect(state == after)
    }

    @Test func recoveryClosesAnActiveOverrideAsFailed() throws {
        var state = ModelRoutingStateTests.hydrated()
        _ = try state.beginImageOperation(Self.request())
        _ = try state.activateImageOperationOverride("op")
        let epoch = state.topologyEpoch
        #expect(state.recoverImageOperations() == ["op"])
        #expect(state.operationOverride == nil)
        #expect(state.operation("op")?.phase == .terminal(.failed))
        #expect(state.topologyEpoch == epoch + 1)
    }

    @Test func recoveryKeepsACompletedTerminalWhileRestoring() throws {
        var state = ModelRoutingStateTests.hydrated()
        _ = try state.beginImageOperation(Self.request())
        _ = try state.activateImageOperationOverride("op")
        _ = try state.completeImageOperation("op", terminal: .generated)
        _ = state.recoverImageOperations()
        #expect(state.operation("op")?.phase == .terminal(.generated))
        #expect(state.operationOverride == nil)
    }

    // MARK: classify (§14 step 5)

    /// The classification is a machine move: recorded with the operation, and `complete` must name the same class.
    @Test func classifyRecordsTheTerminalThatCompleteMustName() throws {
        var state = try Self.planned(scoped: true)
        _ = try state.activateImageOperationOverride("op")
        let terminal = try state.classifyImageOperation(
            "op", observation: .providerHTTPError(status: 400, code: .openAIContentFilter), providerText: "no")
        #expect(terminal == .safetyFiltered)
        #expect(state.operation("op")?.classifiedTerminal == .safetyFiltered)
        // Provider text is the payload of empty_result only.
        #expect(state.operation("op")?.providerText == nil)
        #expect(throws: RoutingGuardError.terminalMismatch(operation: "op", expected: .safetyFiltered, got: .generated))
        {
            _ = try state.completeImageOperation("op", terminal: .generated)
        }
        #expect(try state.completeImageOperation("op", terminal: .safetyFiltered) == .restoringScopedOverride)
        // Classification ends with complete.
        #expect(throws: RoutingGuardError.self) {
            _ = try state.classifyImageOperation("op", observation: .generated, providerText: nil)
        }
        #expect(try state.restoreImageOperationOverride("op") == .terminal(.safetyFiltered))
    }

    @Test func emptyResultKeepsTheProviderTextBounded() throws {
        var state = try Self.planned(scoped: false)
        let long = String(repeating: "x", count: ModelRoutingState.providerTextLimit + 500)
        #expect(try state.classifyImageOperation("op", observation: .emptyResult, providerText: long) == .emptyResult)
        #expect(state.operation("op")?.providerText?.count == ModelRoutingState.providerTextLimit)
        #expect(try state.completeImageOperation("op", terminal: .emptyResult) == .terminal(.emptyResult))
    }

    @Test func classifyingAnUnknownOperationIsRefused() {
        var state = ModelRoutingState()
        #expect(throws: RoutingGuardError.unknownOperation("nope")) {
            _ = try state.classifyImageOperation("nope", observation: .generated, providerText: nil)
        }
    }
}
