import Foundation
import MeerkatCore
import MeerkatTesting
import Testing

@Suite("Agent budgets and retries")
struct AgentBudgetRetryTests {
    private func loopingToolCalls(_ count: Int) -> [ScriptedReply] {
        (0..<count).map { .toolCalls([ScriptedToolCall(id: "c\($0)", name: "echo", args: ["text": "x"])]) }
    }

    @Test func tokenBudgetStopsOrderlyWithBudgetExhausted() async throws {
        let client = ScriptedLLMClient(loopingToolCalls(5))
        let agent = makeAgent(client, tools: [echoTool]) { $0.budget.maxTokens = 20 }
        let recorder = EventRecorder(agent)
        let result = try await agent.run(.text("go"))
        #expect(result.terminalCauseKind == .budgetExhausted)
        #expect(client.requests.count == 2)
        #expect((await agent.session).unansweredToolUseIDs.isEmpty)
        let events = await recorder.collect()
        #expect(events.contains(.budgetWarning(budgetType: .tokens, used: 30, limit: 20, percent: 150)))
        #expect(events.last?.type == "run_completed")
    }

    @Test func toolCallBudgetAnswersExtraCallsAndStops() async throws {
        let client = ScriptedLLMClient([
            .toolCalls([
                ScriptedToolCall(id: "a", name: "echo", args: ["text": "1"]),
                ScriptedToolCall(id: "b", name: "echo", args: ["text": "2"]),
            ]),
            .text("unreachable"),
        ])
        let agent = makeAgent(client, tools: [echoTool]) { $0.budget.maxToolCalls = 1 }
        let result = try await agent.run(.text("go"))
        #expect(result.terminalCauseKind == .budgetExhausted)
        #expect(result.toolCalls == 1)
        let results = toolResults(await agent.session)
        #expect(results[0] == ToolResult(toolUseID: "a", text: "echo: 1"))
        #expect(results[1].isError && results[1].text.contains("tool-call budget of 1 is exhausted"))
        #expect(client.requests.count == 1)
    }

    @Test func durationBudgetIsAHardFailure() async throws {
        let clock = ManualClock()
        let tick = ClosureTool(name: "tick") { _, _ in
            clock.advance(by: .seconds(11))
            return .text("tock")
        }
        let client = ScriptedLLMClient([
            .toolCalls([ScriptedToolCall(id: "c1", name: "tick", args: [:])]), .text("never"),
        ])
        let agent = makeAgent(client, tools: [tick], clock: clock) {
            $0.budget.maxDuration = .seconds(10)
            $0.retry.streamInactivityTimeout = nil
        }
        let recorder = EventRecorder(agent)
        await #expect {
            _ = try await agent.run(.text("go"))
        } throws: { ($0 as? AgentError)?.cause == .timeBudgetExceeded }
        #expect(client.requests.count == 1)
        #expect((await agent.session).unansweredToolUseIDs.isEmpty)
        let events = await recorder.collect()
        #expect(events.last?.type == "run_failed")
    }

    @Test func turnLimitStopsTheRunWithTurnLimitReached() async throws {
        let client = ScriptedLLMClient(loopingToolCalls(5))
        let agent = makeAgent(client, tools: [echoTool]) { $0.maxTurns = 2 }
        let result = try await agent.run(.text("go"))
        #expect(result.terminalCauseKind == .turnLimitReached)
        #expect(result.turns == 2 && client.requests.count == 2)
        #expect((await agent.session).unansweredToolUseIDs.isEmpty)
    }

    @Test func retryAfterHintIsHonouredOnTheInjectedClock() async throws {
        let clock = ManualClock()
        let client = ScriptedLLMClient([
            .error(LLMError(.rateLimited, "slow down", status: 429, retryAfter: .seconds(2))), .text("ok"),
        ])
        let agent = makeAgent(client, clock: clock) { $0.retry.streamInactivityTimeout = nil }
        let recorder = EventRecorder(agent)
        let run = Task { try await agent.run(.text("go")) }
        await clock.waitForSleepers(1)
        #expect(clock.nextDeadline == .seconds(2))
        clock.advance(by: .seconds(2))
        let result = try await run.value
        #expect(result.text == "ok")
        #expect(client.requests.count == 2)
        let retries = await recorder.collect().compactMap { if case .retrying(let s) = $0 { s } else { nil } }
        #expect(retries.count == 1)
        #expect(retries[0].hintMS == 2000 && retries[0].selectedDelayMS == 2000 && retries[0].computedDelayMS == 500)
        #expect(retries[0].failureKind == "rate_limited" && retries[0].attempt == 1 && retries[0].maxRetries == 3)
    }

    @Test func rateLimitWithoutHintWaitsTheThirtySecondFloor() async throws {
        let clock = ManualClock()
        let client = ScriptedLLMClient([.error(LLMError(.rateLimited, "429", status: 429)), .text("ok")])
        let agent = makeAgent(client, clock: clock) { $0.retry.streamInactivityTimeout = nil }
        let run = Task { try await agent.run(.text("go")) }
        await clock.waitForSleepers(1)
        #expect(clock.nextDeadline == .seconds(30))
        clock.advance(by: .seconds(30))
        #expect(try await run.value.text == "ok")
    }

    @Test func serverErrorsBackOffExponentiallyThenExhaust() async throws {
        let clock = ManualClock()
        let failure = ScriptedReply.error(LLMError(.serverError, "boom", status: 500))
        let client = ScriptedLLMClient([failure, failure, failure, failure])
        let agent = makeAgent(client, clock: clock) { $0.retry.streamInactivityTimeout = nil }
        let run = Task { try await agent.run(.text("go")) }
        var deadlines: [Duration] = []
        for _ in 0..<3 {
            await clock.waitForSleepers(1)
            let deadline = clock.nextDeadline!
            deadlines.append(deadline - clock.now())
            clock.advanceToNextDeadline()
        }
        #expect(deadlines == [.milliseconds(500), .milliseconds(1000), .milliseconds(2000)])
        await #expect {
            _ = try await run.value
        } throws: { ($0 as? AgentError)?.cause == .retryExhausted }
        #expect(client.requests.count == 4)
    }

    @Test func jitterStaysWithinTenPercent() {
        let policy = RetryPolicy()
        #expect(policy.backoff(attempt: 1, jitterSample: 1) == .milliseconds(550))
        #expect(policy.backoff(attempt: 1, jitterSample: -1) == .milliseconds(450))
        #expect(policy.backoff(attempt: 10, jitterSample: 0) == .seconds(30))
    }

    @Test func nonRetryableErrorFailsFast() async throws {
        let client = ScriptedLLMClient([
            .error(LLMError(.authenticationFailed, "bad key", status: 401)), .text("never"),
        ])
        let agent = makeAgent(client)
        let recorder = EventRecorder(agent)
        await #expect {
            _ = try await agent.run(.text("go"))
        } throws: { error in
            guard let error = error as? AgentError else { return false }
            return error.cause == .llmFailure && error.llmError?.kind == .authenticationFailed
                && error.report.errorClass == .llm
        }
        #expect(client.requests.count == 1)
        let events = await recorder.collect()
        #expect(!events.contains { $0.type == "retrying" })
        #expect(events.last?.type == "run_failed")
    }

    @Test func stalledStreamIsCutByTheWatchdogAndRetried() async throws {
        let clock = ManualClock()
        let client = ScriptedLLMClient([.stall(after: [.textDelta("par")]), .text("complete")])
        let agent = makeAgent(client, clock: clock) { $0.retry.streamInactivityTimeout = .seconds(5) }
        let recorder = EventRecorder(agent)
        var events = agent.events.subscribe().makeAsyncIterator()
        let run = Task { try await agent.run(.text("go")) }
        // The stream showed activity at t=0: wait for it, so the watchdog's deadline is t=5 whatever the scheduling.
        while let envelope = await events.next(), envelope.payload != .textDelta("par") {}
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(5))
        // The next sleeper after the `retrying` event is the backoff; move time exactly to its deadline.
        while let envelope = await events.next() {
            if case .retrying = envelope.payload { break }
        }
        await clock.waitForSleepers(1)
        clock.advanceToNextDeadline()
        let result = try await run.value
        #expect(result.text == "complete")
        let retries = await recorder.collect().compactMap { if case .retrying(let s) = $0 { s } else { nil } }
        #expect(retries.map(\.failureKind) == ["network_timeout"])
        // The partial text of the failed attempt is not committed.
        #expect((await agent.session).messages.last?.assistantText == "complete")
    }

    @Test func callTimeoutAbortsALongCall() async throws {
        let clock = ManualClock()
        let client = ScriptedLLMClient([.stall(after: [])])
        let agent = makeAgent(client, clock: clock) {
            $0.retry.streamInactivityTimeout = nil
            $0.retry.callTimeout = .seconds(60)
            $0.retry.maxRetries = 0
        }
        let run = Task { try await agent.run(.text("go")) }
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(60))
        await #expect {
            _ = try await run.value
        } throws: { ($0 as? AgentError)?.llmError?.kind == .callTimeout }
    }
}
