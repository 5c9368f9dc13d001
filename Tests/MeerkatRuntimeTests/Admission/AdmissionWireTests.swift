import Foundation
import MeerkatCore
import Testing

@testable import MeerkatRuntime

@Suite struct AdmissionWireTests {
    static let promptDecision = PolicyDecision(applyMode: .stageRunStart, wakeMode: .wakeIfIdle)
    static let promptDecisionJSON =
        #"{"apply_mode":"stage_run_start","consume_point":"on_run_complete","drain_policy":"queue_next_turn","#
        + #""emit_operator_content":true,"policy_version":1,"queue_mode":"fifo","record_transcript":true,"#
        + #""routing_disposition":"queue","wake_mode":"wake_if_idle"}"#

    @Test func policyDecisionGolden() throws {
        try Wire.expectGolden(Self.promptDecision, Self.promptDecisionJSON)
    }

    @Test func policyDecisionDecodingDefaults() throws {
        let decoded = try Wire.decode(
            PolicyDecision.self,
            #"{"apply_mode":"ignore","wake_mode":"none","queue_mode":"priority","consume_point":"on_accept"}"#)
        #expect(decoded.drainPolicy == .queueNextTurn)
        #expect(decoded.routingDisposition == .queue)
        #expect(decoded.recordTranscript)
        #expect(decoded.emitOperatorContent)
        #expect(decoded.policyVersion == 1)
    }

    @Test func policyEnumWireNames() {
        #expect(
            ApplyMode.allCases.map(\.rawValue) == ["stage_run_start", "stage_run_boundary", "inject_now", "ignore"])
        #expect(WakeMode.allCases.map(\.rawValue) == ["wake_if_idle", "interrupt_yielding", "none"])
        #expect(QueueMode.allCases.map(\.rawValue) == ["none", "fifo", "coalesce", "supersede", "priority"])
        #expect(
            ConsumePoint.allCases.map(\.rawValue) == [
                "on_accept", "on_apply", "on_run_start", "on_run_complete", "explicit_ack",
            ])
        #expect(DrainPolicy.allCases.map(\.rawValue) == ["queue_next_turn", "steer_batch", "immediate", "ignore"])
        #expect(RoutingDisposition.allCases.map(\.rawValue) == ["queue", "steer", "immediate", "drop"])
    }

    @Test func semanticsGoldenOmitsNilFields() throws {
        try Wire.expectGolden(
            RuntimeInputSemantics(boundary: .runStart),
            #"{"boundary":"run_start","execution_kind":"content_turn","live_interrupt_required":false}"#)
        try Wire.expectGolden(
            RuntimeInputSemantics(
                boundary: .runCheckpoint, executionKind: .resumePending, executionHandlingMode: .queue,
                peerResponseTerminalApplyIntent: .appendContentAndRun, liveInterruptRequired: true),
            #"{"boundary":"run_checkpoint","execution_handling_mode":"queue","execution_kind":"resume_pending","#
                + #""live_interrupt_required":true,"peer_response_terminal_apply_intent":"append_content_and_run"}"#)
        let legacy = try Wire.decode(
            RuntimeInputSemantics.self,
            #"{"boundary":"run_start","execution_kind":"content_turn","execution_handling_mode":null}"#)
        #expect(legacy == RuntimeInputSemantics(boundary: .runStart))
    }

    @Test func semanticsNormalisedToQueueLosesLiveInterrupt() {
        let steer = RuntimeInputSemantics(boundary: .runCheckpoint, liveInterruptRequired: true)
        #expect(steer.contributesLiveSteerContext)
        let normalised = steer.normalizedToQueue()
        #expect(normalised.executionHandlingMode == .queue)
        #expect(!normalised.liveInterruptRequired)
        #expect(!normalised.contributesLiveSteerContext)
    }

    @Test func rejectReasonGoldensNameTheRule() throws {
        try Wire.expectGolden(
            RejectReason.durabilityViolation(detail: "External ingress cannot submit derived inputs"),
            #"{"detail":"External ingress cannot submit derived inputs","reject_type":"durability_violation"}"#)
        try Wire.expectGolden(
            RejectReason.peerHandlingModeInvalid(detail: "d"),
            #"{"detail":"d","reject_type":"peer_handling_mode_invalid"}"#)
        try Wire.expectGolden(
            RejectReason.peerResponseTerminalInvalid(detail: "d"),
            #"{"detail":"d","reject_type":"peer_response_terminal_invalid"}"#)
        try Wire.expectGolden(RejectReason.notReady(state: .retired), #"{"reject_type":"not_ready","state":"retired"}"#)
        #expect(
            RejectReason.notReady(state: .stopped).description
                == "not_ready: runtime is stopped and does not accept input")
        #expect(
            RuntimeDriverError.rejected(.peerHandlingModeInvalid(detail: "x"))
                == .validationFailed(reason: "peer_handling_mode_invalid: x"))
    }

    @Test func acceptedOutcomeGolden() throws {
        let state = InputState(
            inputID: Fixture.inputID, createdAt: Fixture.date, policy: PolicySnapshot(Self.promptDecision))
        let seed = InputStateSeed.queued(lane: .queue, admissionSequence: 1)
        let outcome = AcceptOutcome.accepted(
            inputID: Fixture.inputID, policy: Self.promptDecision, state: state, seed: seed)
        let expected =
            #"{"input_id":"01900000-0000-7000-8000-000000000001","outcome_type":"accepted","policy":"#
            + Self.promptDecisionJSON
            + #","seed":{"admission_sequence":1,"attempt_count":0,"phase":"queued","recovery_lane":"queue"},"#
            + #""state":{"created_at":"2026-09-21T14:13:20.000Z","input_id":"01900000-0000-7000-8000-000000000001","#
            + #""policy":{"decision":"# + Self.promptDecisionJSON + #","version":1},"recovery_count":0,"#
            + #""updated_at":"2026-09-21T14:13:20.000Z"}}"#
        try Wire.expectGolden(outcome, expected)
        #expect(outcome.isAccepted && outcome.expectsCompletion)
        #expect(outcome.effectiveInputID == Fixture.inputID)
    }

    @Test func deduplicatedOutcomeGolden() throws {
        let outcome = AcceptOutcome.deduplicated(
            inputID: Fixture.otherInputID, existingID: Fixture.inputID,
            existingSeed: InputStateSeed.consumedOnAccept())
        try Wire.expectGolden(
            outcome,
            #"{"existing_id":"01900000-0000-7000-8000-000000000001","#
                + #""existing_seed":{"attempt_count":0,"phase":"consumed","terminal_outcome":{"outcome_type":"consumed"}},"#
                + #""input_id":"01900000-0000-7000-8000-000000000002","outcome_type":"deduplicated"}"#)
        #expect(!outcome.expectsCompletion)
        #expect(outcome.effectiveInputID == Fixture.inputID)
        let unknownSeed = AcceptOutcome.deduplicated(
            inputID: Fixture.otherInputID, existingID: Fixture.inputID, existingSeed: nil)
        #expect(unknownSeed.expectsCompletion)
        try Wire.expectGolden(
            unknownSeed,
            #"{"existing_id":"01900000-0000-7000-8000-000000000001","input_id":"01900000-0000-7000-8000-000000000002","#
                + #""outcome_type":"deduplicated"}"#)
    }

    @Test func rejectedOutcomeGolden() throws {
        let outcome = AcceptOutcome.rejected(reason: .durabilityViolation(detail: "d"))
        try Wire.expectGolden(
            outcome, #"{"outcome_type":"rejected","reason":{"detail":"d","reject_type":"durability_violation"}}"#)
        #expect(outcome.isRejected && outcome.inputID == nil && !outcome.expectsCompletion)
        #expect(outcome.rejectReason == .durabilityViolation(detail: "d"))
    }

    @Test func admissionSignalIsOrderedAndMergesToTheStrongest() {
        #expect(AdmissionSignal.none < .wakeLoop)
        #expect(AdmissionSignal.wakeLoop < .interruptYielding)
        #expect(AdmissionSignal.interruptYielding < .requestImmediateProcessing)
        #expect(!AdmissionSignal.none.shouldWake)
        #expect(AdmissionSignal.wakeLoop.shouldWake && !AdmissionSignal.wakeLoop.shouldInterruptYielding)
        #expect(AdmissionSignal.interruptYielding.shouldInterruptYielding)
        #expect(!AdmissionSignal.interruptYielding.shouldProcessImmediately)
        #expect(AdmissionSignal.requestImmediateProcessing.shouldProcessImmediately)
        #expect(AdmissionSignal.wakeLoop.merged(with: .interruptYielding) == .interruptYielding)
        #expect(AdmissionSignal.requestImmediateProcessing.merged(with: .none) == .requestImmediateProcessing)
        #expect(
            AdmissionSignal.allCases.map(\.rawValue) == [
                "none", "wake_loop", "interrupt_yielding", "request_immediate_processing",
            ])
    }

    @Test func signalFromFlagsTakesTheStrongestFlag() {
        #expect(AdmissionFlags.none.signal == .none)
        #expect(AdmissionFlags(wakeIfIdle: true).signal == .wakeLoop)
        #expect(AdmissionFlags(interruptYielding: true, wakeIfIdle: true).signal == .interruptYielding)
        #expect(
            AdmissionFlags(requestImmediateProcessing: true, interruptYielding: true).signal
                == .requestImmediateProcessing)
    }

    @Test func planRoundTrips() throws {
        let plan = try PolicyTable.resolve(kind: .peerResponseProgress, lane: nil, context: .idle)
        #expect(try Wire.decode(AdmissionPlan.self, Wire.json(plan)) == plan)
    }

    @Test func initialSeedFollowsTheDisposition() throws {
        let steer = try PolicyTable.resolve(kind: .prompt, lane: .steer, context: .idle)
        #expect(steer.initialSeed(admissionSequence: 4) == .queued(lane: .steer, admissionSequence: 4))
        let operation = try PolicyTable.resolve(kind: .operation, lane: nil, context: .idle)
        let seed = operation.initialSeed(admissionSequence: nil)
        #expect(seed.phase == .consumed && seed.terminalOutcome == .consumed)
    }

    @Test func contextAndFlagsGoldens() throws {
        try Wire.expectGolden(
            AdmissionContext(running: true, silentIntent: true),
            #"{"boundary_available":false,"running":true,"silent_intent":true,"without_wake":false}"#)
        try Wire.expectGolden(
            AdmissionFlags(wakeIfIdle: true),
            #"{"interrupt_yielding":false,"request_immediate_processing":false,"wake_if_idle":true}"#)
        try Wire.expectGolden(AdmissionDisposition.consumedOnAccept, #""consumed_on_accept""#)
    }
}
