import MeerkatCore
import Testing

@testable import MeerkatRuntime

@Suite struct CompletionOutcomeTests {
    static let error = ErrorReport(errorClass: .llm, reason: "rate_limited", message: "slow down")
    static let errorJSON = #"{"class":"llm","message":"slow down","reason":"rate_limited"}"#

    @Test func completedCarriesTheRunResultUnderResult() throws {
        let result = RunResult(
            text: "done", sessionID: Fixture.sessionID, usage: Usage(inputTokens: 3, outputTokens: 4), turns: 1,
            toolCalls: 0)
        try Wire.expectGolden(
            CompletionOutcome.completed(result: result),
            #"{"completion_type":"completed","result":{"session_id":"01900000-0000-7000-8000-0000000000ff","#
                + #""text":"done","tool_calls":0,"turns":1,"usage":{"input_tokens":3,"output_tokens":4}}}"#)
        #expect(CompletionOutcome.completed(result: result).runResult == result)
    }

    @Test func unitOutcomes() throws {
        try Wire.expectGolden(
            CompletionOutcome.completedWithoutResult, #"{"completion_type":"completed_without_result"}"#)
        try Wire.expectGolden(CompletionOutcome.cancelled, #"{"completion_type":"cancelled"}"#)
    }

    @Test func callbackOutcomes() throws {
        try Wire.expectGolden(
            CompletionOutcome.callbackPending(toolUseID: "t1", toolName: "approve", args: ["x": 1]),
            #"{"args":{"x":1},"completion_type":"callback_pending","tool_name":"approve","tool_use_id":"t1"}"#)
        try Wire.expectGolden(
            CompletionOutcome.callbackBatchPending(pendingToolCalls: [
                PendingCallbackToolCall(toolUseID: "a", toolName: "f", args: [:])
            ]),
            #"{"completion_type":"callback_batch_pending","pending_tool_calls":[{"args":{},"tool_name":"f","tool_use_id":"a"}]}"#
        )
    }

    @Test func failureOutcomes() throws {
        try Wire.expectGolden(
            CompletionOutcome.abandoned(reason: "r", error: Self.error),
            #"{"completion_type":"abandoned","error":"# + Self.errorJSON + #","reason":"r"}"#)
        try Wire.expectGolden(
            CompletionOutcome.abandonedWithError(reason: "apply failed", error: Self.error),
            #"{"completion_type":"abandoned_with_error","error":"# + Self.errorJSON + #","reason":"apply failed"}"#)
        try Wire.expectGolden(
            CompletionOutcome.completedWithFinalizationFailure(error: Self.error),
            #"{"completion_type":"completed_with_finalization_failure","error":"# + Self.errorJSON + "}")
        try Wire.expectGolden(
            CompletionOutcome.runtimeTerminated(reason: "runtime stopped", error: Self.error),
            #"{"completion_type":"runtime_terminated","error":"# + Self.errorJSON + #","reason":"runtime stopped"}"#)
        #expect(CompletionOutcome.completedWithFinalizationFailure(error: Self.error).errorReport == Self.error)
        #expect(!CompletionOutcome.completedWithFinalizationFailure(error: Self.error).isSuccess)
        #expect(CompletionOutcome.completedWithoutResult.isSuccess)
    }

    @Test func runtimeTerminationReasonsPerAbandonReason() {
        func reason(_ abandon: InputAbandonReason) -> String? {
            if case .runtimeTerminated(let reason, _) = CompletionOutcome.runtimeTerminated(abandonedFor: abandon) {
                return reason
            }
            return nil
        }
        #expect(reason(.reset) == "runtime reset")
        #expect(reason(.stopped) == "runtime stopped")
        #expect(reason(.destroyed) == "runtime destroyed")
        #expect(reason(.retired) == "retired without runtime loop")
        #expect(CompletionOutcome.runtimeTerminated(abandonedFor: .cancelled) == nil)
        #expect(CompletionOutcome.runtimeTerminated(abandonedFor: .maxAttemptsExhausted(attempts: 3)) == nil)
    }

    @Test func unknownCompletionTypeIsNamed() {
        do {
            _ = try Wire.decode(CompletionOutcome.self, #"{"completion_type":"maybe"}"#)
            Issue.record("expected a decoding error")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.contains("unknown completion_type 'maybe'"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func waitErrorsExplainThemselves() {
        #expect(
            CompletionWaitError.channelClosed.description == "completion channel closed without an authorized result")
        #expect(CompletionWaitError.attachmentReplaced.description.contains("retry"))
        #expect(
            CompletionWaitError.authorityUnavailable("input no longer pending").description.contains(
                "no longer pending"))
    }
}
