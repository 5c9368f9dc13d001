import Foundation
import MeerkatCore
import Testing

@Suite("Event bus")
struct EventBusTests {
    @Test func sequenceNumbersIncreaseByOnePerEvent() async {
        let bus = EventBus(source: "session:x")
        let stream = bus.subscribe()
        for index in 0..<5 { bus.publish(.turnStarted(turnNumber: index)) }
        bus.finish()
        var seqs: [UInt64] = []
        for await envelope in stream { seqs.append(envelope.seq) }
        #expect(seqs == [1, 2, 3, 4, 5])
    }

    @Test func laggingSubscriberGetsStreamTruncatedInsteadOfBlockingThePublisher() async {
        let bus = EventBus(source: "s", capacity: 2)
        let slow = bus.subscribe()
        let fast = bus.subscribe()
        var fastIterator = fast.makeAsyncIterator()
        var slowIterator = slow.makeAsyncIterator()
        for index in 1...4 {
            bus.publish(.turnStarted(turnNumber: index))
            if index <= 2 { _ = await fastIterator.next() } else { _ = await fastIterator.next() }
        }
        // The slow subscriber kept 2, lost 2.
        #expect(await slowIterator.next()?.payload == .turnStarted(turnNumber: 1))
        #expect(await slowIterator.next()?.payload == .turnStarted(turnNumber: 2))
        bus.publish(.turnStarted(turnNumber: 5))
        let marker = await slowIterator.next()
        #expect(marker?.payload == .streamTruncated(dropped: 2))
        #expect(await slowIterator.next()?.payload == .turnStarted(turnNumber: 5))
        #expect(await fastIterator.next()?.payload == .turnStarted(turnNumber: 5))
    }

    @Test func eventsEncodeWithSnakeCaseTypeAndInlineFields() throws {
        let event = AgentEvent.toolExecutionCompleted(
            id: "c", name: "echo", content: [.text("ok")], isError: false, durationMS: 12)
        #expect(
            try json(event)
                == #"{"content":[{"text":"ok","type":"text"}],"duration_ms":12,"id":"c","is_error":false,"name":"echo","type":"tool_execution_completed"}"#
        )
        #expect(
            try json(AgentEvent.streamTruncated(dropped: 3))
                == #"{"reason":{"dropped":3,"kind":"stream_lagged"},"type":"stream_truncated"}"#)
        let all = Self.everyKind(completed: event)
        for event in all { _ = try roundTrip(event) }
        let envelope = EventEnvelope(source: "s", seq: 7, timestampMS: 1, payload: .textDelta("x"))
        _ = try roundTrip(envelope)
    }

    /// One event of every kind (for coding tests).
    static func everyKind(
        completed event: AgentEvent = .toolExecutionCompleted(
            id: "c", name: "echo", content: [.text("ok")], isError: false, durationMS: 12)
    ) -> [AgentEvent] {
        [
            .runStarted(sessionID: SessionID(), input: .content(.text("x"))),
            .runStarted(sessionID: SessionID(), input: .pendingToolResults),
            .turnStarted(turnNumber: 1), .reasoningDelta("r"), .reasoningComplete("r"), .textDelta("t"),
            .textComplete("t"),
            .toolCallRequested(id: "i", name: "n", args: ["a": 1]), .toolExecutionStarted(id: "i", name: "n"), event,
            .toolExecutionTimedOut(id: "i", name: "n", timeoutMS: 5),
            .toolResultReceived(id: "i", name: "n", content: [], isError: true),
            .turnCompleted(stopReason: .endTurn, usage: Usage(inputTokens: 1)),
            .turnCompleted(stopReason: .toolUse, usage: nil),
            .runCompleted(
                sessionID: SessionID(), result: "r", structuredOutput: ["k": 1], extractionRequired: true,
                usage: Usage(), terminalCauseKind: .budgetExhausted),
            .runFailed(
                sessionID: SessionID(), errorReport: ErrorReport(errorClass: .llm, reason: "x", message: "m"),
                terminalCauseKind: .llmFailure),
            .budgetWarning(budgetType: .toolCalls, used: 8, limit: 10, percent: 80),
            .retrying(
                RetrySchedule(
                    failureKind: "rate_limited", provider: "p", message: "m", hintMS: nil, computedDelayMS: 1,
                    selectedDelayMS: 2, attempt: 1, maxRetries: 3)),
            .extractionSucceeded(structuredOutput: ["a": 1], schemaWarnings: ["w"]),
            .extractionFailed(lastOutput: "o", attempts: 3, reason: "r"),
            .streamTruncated(dropped: 1),
        ]
    }
}
