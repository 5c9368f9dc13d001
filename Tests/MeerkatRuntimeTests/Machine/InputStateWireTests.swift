import Foundation
import MeerkatCore
import Testing

@testable import MeerkatRuntime

@Suite struct InputStateWireTests {
    static let decision = PolicyDecision(applyMode: .stageRunStart, wakeMode: .wakeIfIdle)

    static func storedRow() -> StoredInputState {
        var state = InputState(
            inputID: Fixture.inputID, createdAt: Fixture.date, policy: PolicySnapshot(decision),
            runtimeSemantics: RuntimeInputSemantics(boundary: .runStart), durability: .durable,
            idempotencyKey: "idem-1")
        state.recordTransition(from: .accepted, to: .queued, reason: "QueueAccepted", at: Fixture.date)
        state.recordTransition(from: .queued, to: .staged, reason: "StageForRun", at: Fixture.laterDate)
        let seed = InputStateSeed(
            phase: .staged, lastRunID: Fixture.runID, lastBoundarySequence: 2, admissionSequence: 7, attemptCount: 1,
            recoveryLane: .queue)
        return StoredInputState(state: state, seed: seed)
    }

    @Test func storedInputStateIsOneFlatVersion5Row() throws {
        let expected =
            #"{"admission_sequence":7,"attempt_count":1,"created_at":"2026-09-21T14:13:20.000Z","#
            + #""current_state":"staged","durability":"durable","history":["#
            + #"{"from":"accepted","reason":"QueueAccepted","timestamp":"2026-09-21T14:13:20.000Z","to":"queued"},"#
            + #"{"from":"queued","reason":"StageForRun","timestamp":"2026-09-21T14:14:20.000Z","to":"staged"}],"#
            + #""idempotency_key":"idem-1","input_id":"01900000-0000-7000-8000-000000000001","#
            + #""last_boundary_sequence":2,"last_run_id":"01900000-0000-7000-8000-0000000000aa","#
            + #""policy":{"decision":"# + AdmissionWireTests.promptDecisionJSON + #","version":1},"#
            + #""recovery_count":0,"recovery_lane":"queue","#
            + #""runtime_semantics":{"boundary":"run_start","execution_kind":"content_turn","live_interrupt_required":false},"#
            + #""stored_input_state_version":5,"updated_at":"2026-09-21T14:14:20.000Z"}"#
        try Wire.expectGolden(Self.storedRow(), expected)
    }

    @Test func terminalRowCarriesOutcomeCompletionAndPayload() throws {
        var row = Self.storedRow()
        row.seed.phase = .abandoned
        row.seed.terminalOutcome = .abandoned(reason: .maxAttemptsExhausted(attempts: 3))
        row.state.terminalCompletion = .runtimeTerminated(reason: "runtime reset")
        row.state.persistedInput = .prompt(PromptInput(header: Fixture.header(), content: .text("hi")))
        row.state.reconstructionSource = .coalescing(sourceInputIDs: [Fixture.otherInputID])
        let json = try Wire.json(row)
        #expect(json.contains(#""current_state":"abandoned""#))
        #expect(
            json.contains(
                #""terminal_outcome":{"outcome_type":"abandoned","reason":{"max_attempts_exhausted":{"attempts":3}}}"#))
        #expect(json.contains(#""terminal_completion":{"completion_type":"runtime_terminated""#))
        #expect(json.contains(#""persisted_input":{"content":"hi","header":"#))
        #expect(
            json.contains(
                #""reconstruction_source":{"source_input_ids":["01900000-0000-7000-8000-000000000002"],"source_type":"coalescing"}"#
            ))
        let decoded = try Wire.decode(StoredInputState.self, json)
        #expect(decoded == row)
        #expect(decoded.isTerminal && decoded.seed.isConsistent)
    }

    @Test func minimalRowDecodesWithDefaults() throws {
        let row = try Wire.decode(
            StoredInputState.self,
            #"{"stored_input_state_version":5,"input_id":"01900000-0000-7000-8000-000000000001","#
                + #""current_state":"queued","created_at":"2026-09-21T14:13:20Z","updated_at":"2026-09-21T14:13:20Z"}"#)
        #expect(row.phase == .queued)
        #expect(row.seed.attemptCount == 0)
        #expect(row.state.history.isEmpty)
        #expect(row.state.recoveryCount == 0)
        #expect(row.state.policy == nil)
    }

    @Test(arguments: [3, 4])
    func legacyRowsAreRefusedWithATypedError(version: Int) {
        let json =
            #"{"stored_input_state_version":\#(version),"input_id":"01900000-0000-7000-8000-000000000001","#
            + #""current_state":"queued","created_at":"2026-09-21T14:13:20Z","updated_at":"2026-09-21T14:13:20Z"}"#
        #expect(throws: StoredInputStateDecodingError.legacyVersion(version)) {
            try Wire.decode(StoredInputState.self, json)
        }
    }

    @Test func missingAndUnknownVersionsAreRefused() {
        #expect(throws: StoredInputStateDecodingError.missingVersion) {
            try Wire.decode(StoredInputState.self, #"{"input_id":"01900000-0000-7000-8000-000000000001"}"#)
        }
        #expect(throws: StoredInputStateDecodingError.unsupportedVersion(6)) {
            try Wire.decode(StoredInputState.self, #"{"stored_input_state_version":6}"#)
        }
        #expect(StoredInputStateDecodingError.legacyVersion(4).description.contains("legacy"))
    }

    @Test func seedGoldens() throws {
        try Wire.expectGolden(InputStateSeed.accepted, #"{"attempt_count":0,"phase":"accepted"}"#)
        try Wire.expectGolden(
            InputStateSeed.queued(lane: .steer, admissionSequence: 3),
            #"{"admission_sequence":3,"attempt_count":0,"phase":"queued","recovery_lane":"steer"}"#)
        #expect(InputStateSeed.consumedOnAccept().isConsistent)
        #expect(!InputStateSeed(phase: .consumed).isConsistent)
        #expect(!InputStateSeed(phase: .queued, terminalOutcome: .consumed).isConsistent)
        #expect(InputStateSeed.maxStageAttempts == 3)
    }

    @Test func terminalOutcomeGoldens() throws {
        try Wire.expectGolden(InputTerminalOutcome.consumed, #"{"outcome_type":"consumed"}"#)
        try Wire.expectGolden(
            InputTerminalOutcome.superseded(supersededBy: Fixture.otherInputID),
            #"{"outcome_type":"superseded","superseded_by":"01900000-0000-7000-8000-000000000002"}"#)
        try Wire.expectGolden(
            InputTerminalOutcome.coalesced(aggregateID: Fixture.otherInputID),
            #"{"aggregate_id":"01900000-0000-7000-8000-000000000002","outcome_type":"coalesced"}"#)
        try Wire.expectGolden(
            InputTerminalOutcome.abandoned(reason: .neverExecuted),
            #"{"outcome_type":"abandoned","reason":"never_executed"}"#)
        #expect(InputTerminalOutcome.abandoned(reason: .reset).phase == .abandoned)
        #expect(InputTerminalOutcome.abandoned(reason: .reset).abandonReason == .reset)
    }

    @Test func abandonReasonGoldens() throws {
        let units: [(InputAbandonReason, String)] = [
            (.retired, "retired"), (.reset, "reset"), (.stopped, "stopped"), (.destroyed, "destroyed"),
            (.cancelled, "cancelled"), (.neverExecuted, "never_executed"),
        ]
        for (reason, text) in units {
            try Wire.expectGolden([reason], #"[""# + text + #""]"#)
        }
        try Wire.expectGolden(
            [InputAbandonReason.maxAttemptsExhausted(attempts: 3)], #"[{"max_attempts_exhausted":{"attempts":3}}]"#)
        #expect(throws: DecodingError.self) { try Wire.decode([InputAbandonReason].self, #"["bored"]"#) }
    }

    @Test func lifecycleStatesAndTerminality() {
        #expect(
            InputLifecycleState.allCases.map(\.rawValue) == [
                "accepted", "queued", "staged", "applied", "applied_pending_consumption", "consumed", "superseded",
                "coalesced", "abandoned",
            ])
        #expect(InputLifecycleState.allCases.filter(\.isTerminal) == [.consumed, .superseded, .coalesced, .abandoned])
        #expect(
            InputLifecycleState.allCases.filter(\.isActive) == [
                .accepted, .queued, .staged, .applied, .appliedPendingConsumption,
            ])
    }

    @Test func admittingShellSnapshotsThePlan() throws {
        let input = Input.prompt(
            PromptInput(
                header: InputHeader(id: Fixture.inputID, idempotencyKey: "k", correlationID: nil),
                content: .text("hi")))
        let plan = try PolicyTable.resolve(input, context: .idle)
        var state = InputState(admitting: input, plan: plan, at: Fixture.date)
        #expect(state.policy == PolicySnapshot(version: 1, decision: plan.decision))
        #expect(state.runtimeSemantics == plan.semantics)
        #expect(state.durability == .durable)
        #expect(state.idempotencyKey == "k")
        #expect(state.persistedInput == input)
        #expect(state.createdAt == Fixture.date && state.updatedAt == Fixture.date)
        state.recordTransition(from: .accepted, to: .queued, at: Fixture.laterDate)
        #expect(state.updatedAt == Fixture.laterDate)
        #expect(state.history == [InputStateHistoryEntry(timestamp: Fixture.laterDate, from: .accepted, to: .queued)])
    }

    @Test func reconstructionSourceGolden() throws {
        try Wire.expectGolden(
            ReconstructionSource.projection(ruleID: "r", sourceEventID: "e"),
            #"{"rule_id":"r","source_event_id":"e","source_type":"projection"}"#)
    }
}
