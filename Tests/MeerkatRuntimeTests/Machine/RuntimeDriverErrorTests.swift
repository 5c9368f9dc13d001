import MeerkatCore
import Testing

@testable import MeerkatRuntime

@Suite struct RuntimeDriverErrorTests {
    static let all: [RuntimeDriverError] = [
        .notReady(state: .retired), .notFound(runtimeID: "rt:session:x"),
        .validationFailed(reason: "blank_prompt: ..."),
        .destroyed, .recoveryCorruption(reason: "bad row"), .recoveryBackoff(reason: "store busy"),
        .recoveryRepairBlocked(evidenceDigest: "sha256:ab", reason: "no capability"),
        .unregisterFinalizationOutcomeUnknown, .unregisterInProgress, .runtimeStopInProgress,
        .interruptDispatchOutcomeUnknown(runID: Fixture.runID), .interruptDispatchPanicked(runID: Fixture.runID),
        .runtimeTerminalPublicationInProgress, .staleAuthority(reason: "fence moved"), .internal("oops"),
    ]

    @Test func everyVariantHasADistinctCodeAndAMessage() {
        #expect(Set(Self.all.map(\.code)).count == Self.all.count)
        for error in Self.all {
            #expect(!error.description.isEmpty)
        }
    }

    @Test func messagesCarryTheirDetails() {
        #expect(RuntimeDriverError.notReady(state: .retired).description == "runtime not ready: state is retired")
        #expect(RuntimeDriverError.notFound(runtimeID: "rt:session:x").description == "runtime not found: rt:session:x")
        #expect(
            RuntimeDriverError.recoveryRepairBlocked(evidenceDigest: "sha256:ab", reason: "no capability").description
                == "recovery repair blocked: no capability (evidence sha256:ab)")
        #expect(
            RuntimeDriverError.interruptDispatchOutcomeUnknown(runID: Fixture.runID).description.contains(
                Fixture.runID.description))
        #expect(RuntimeDriverError.internal("oops").description == "internal runtime error: oops")
    }

    @Test func retryableErrors() {
        #expect(
            Self.all.filter(\.isRetryable).map(\.code) == [
                "recovery_backoff", "unregister_finalization_outcome_unknown", "unregister_in_progress",
                "runtime_stop_in_progress", "runtime_terminal_publication_in_progress",
            ])
    }

    @Test func reportGoldens() throws {
        try Wire.expectGolden(
            RetireReport(inputsAbandoned: 0, inputsPendingDrain: 2), #"{"inputs_abandoned":0,"inputs_pending_drain":2}"#
        )
        try Wire.expectGolden(ResetReport(inputsAbandoned: 1), #"{"inputs_abandoned":1}"#)
        try Wire.expectGolden(DestroyReport(inputsAbandoned: 0), #"{"inputs_abandoned":0}"#)
        try Wire.expectGolden(RecycleReport(inputsTransferred: 4), #"{"inputs_transferred":4}"#)
        try Wire.expectGolden(
            RecoveryReport(inputsRecovered: 3, inputsAbandoned: 1, inputsRequeued: 2, details: ["staged → queued"]),
            #"{"details":["staged → queued"],"inputs_abandoned":1,"inputs_recovered":3,"inputs_requeued":2}"#)
    }
}
