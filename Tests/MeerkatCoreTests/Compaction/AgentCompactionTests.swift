import Foundation
import MeerkatCore
import MeerkatTesting
import Testing

/// A scripted provider with a context window: answers summary calls with a summary, refuses requests over the
/// window with a context-length error, and reports input tokens as bytes / 4 (like the mock provider does).
private func windowedClient(
    window: Int, summary: @escaping @Sendable (Int) -> ScriptedReply = { _ in .text("SUMMARY: all good") },
    main: @escaping @Sendable (LLMRequest, Int) -> ScriptedReply? = { _, _ in nil }
) -> ScriptedLLMClient {
    ScriptedLLMClient { request, index in
        let tokens = request.canonicalBytes / 4
        if tokens + request.maxTokens > window {
            return .error(LLMError(.contextLengthExceeded, "prompt is too long: \(tokens) tokens", status: 400))
        }
        if isSummaryCall(request) { return summary(index) }
        if let reply = main(request, index) { return reply }
        return .text(
            "ok \(index) " + String(repeating: "r", count: 200), usage: Usage(inputTokens: tokens, outputTokens: 60))
    }
}

private func isSummaryCall(_ request: LLMRequest) -> Bool {
    if case .system(let content, _) = request.messages.first, content == CompactionSummary.systemPrompt { return true }
    return false
}

private func compactingAgent(
    _ client: ScriptedLLMClient, window: Int = 3000, tools: [any Tool] = [], minTurns: Int = 0
) -> Agent {
    makeAgent(client, tools: tools) { config in
        config.maxTokensPerTurn = 200
        config.compaction = CompactionPolicy(
            contextWindow: window, recentTurnBudget: 2, maxSummaryTokens: 200, minTurnsBetweenCompactions: minTurns)
    }
}

@Suite("Agent compaction")
struct AgentCompactionTests {
    @Test func longSessionCompactsRepeatedlyAndNeverExceedsTheWindow() async throws {
        let client = windowedClient(window: 3000)
        let agent = compactingAgent(client, tools: [echoTool])
        let recorder = EventRecorder(agent)
        for turn in 0..<120 {
            _ = try await agent.run(.text("turn \(turn) " + String(repeating: "p", count: 300)))
        }
        // The recorder's bounded buffer drops events over 120 runs; the transcript is the authority.
        let events = await recorder.collect()
        #expect(!events.contains { $0.type == "compaction_failed" || $0.type == "run_failed" })
        for request in client.requests {
            #expect(request.canonicalBytes / 4 + request.maxTokens <= 3000)
        }
        let session = await agent.session
        // Append-only history: every user prompt is still there, in order.
        let prompts = session.messages.compactMap { message -> String? in
            if case .user(let content, .conversational, _) = message { return content.first?.textProjection }
            return nil
        }
        #expect(prompts.count == 120 && prompts.first?.hasPrefix("turn 0 ") == true)
        let summaries = session.messages.filter {
            if case .user(_, .compactionSummary, _) = $0 { true } else { false }
        }
        #expect(summaries.count >= 6)
        #expect(session.activeContext != nil)
        #expect(session.contextMessages.count < session.messages.count / 4)
        let completed = events.filter { $0.type == "compaction_completed" }
        if case .compactionCompleted(_, let before, let after, let tokensBefore, let tokensAfter) = completed.first {
            #expect(after < before && tokensAfter < tokensBefore)
        } else {
            Issue.record("no compaction_completed event")
        }
    }

    @Test func contextLengthErrorTriggersOneCompactionAndOneRetry() async throws {
        // No window known to the agent: only the provider's refusal reveals it.
        let refusals = Box(0)
        let client = ScriptedLLMClient { request, _ in
            if isSummaryCall(request) { return .text("SUMMARY") }
            if request.messages.count > 6 {
                refusals.update { $0 += 1 }
                return .error(LLMError(.contextLengthExceeded, "prompt is too long", status: 400))
            }
            return .text("fine")
        }
        let agent = makeAgent(client)
        for turn in 0..<3 { _ = try await agent.run(.text("t\(turn)")) }
        let recorder = EventRecorder(agent)
        let result = try await agent.run(.text("t3"))
        #expect(result.text == "fine")
        let events = await recorder.collect()
        #expect(events.filter { $0.type == "compaction_completed" }.count == 1)
        #expect(refusals.value == 1)
        #expect(client.requests.suffix(3).map(isSummaryCall) == [false, true, false])
    }

    @Test func contextLengthErrorThatPersistsFailsTheRunWithoutLooping() async throws {
        let client = ScriptedLLMClient { request, _ in
            if isSummaryCall(request) { return .text("SUMMARY") }
            let text = request.messages.map { $0.role == "user" ? "\($0)" : "" }.joined()
            if text.contains("huge") {
                return .error(LLMError(.contextLengthExceeded, "prompt is too long", status: 400))
            }
            return .text("fine")
        }
        let agent = makeAgent(client)
        _ = try await agent.run(.text("t0"))
        _ = try await agent.run(.text("t1"))
        do {
            _ = try await agent.run(.text("huge"))
            Issue.record("the run must fail")
        } catch {
            #expect(error.llmError?.kind == .contextLengthExceeded)
        }
        #expect(client.requests.filter { !isSummaryCall($0) }.count == 4)
        #expect(client.requests.filter(isSummaryCall).count == 1)
    }

    @Test func failedSummaryLeavesTheTranscriptUntouchedAndTheTurnProceeds() async throws {
        let client = windowedClient(
            window: 3000, summary: { _ in .error(LLMError(.invalidRequest, "bad summary request", status: 400)) })
        let agent = compactingAgent(client)
        let recorder = EventRecorder(agent)
        for turn in 0..<6 {
            let result = try await agent.run(.text("turn \(turn) " + String(repeating: "p", count: 1200)))
            #expect(result.text.hasPrefix("ok"))
        }
        let events = await recorder.collect()
        #expect(events.contains { $0.type == "compaction_failed" })
        #expect(!events.contains { $0.type == "compaction_completed" })
        let session = await agent.session
        #expect(session.activeContext == nil)
        #expect(session.messages.count == 12)
        #expect(!session.messages.contains { if case .user(_, .compactionSummary, _) = $0 { true } else { false } })
    }

    @Test func oversizedSummaryCallFallsBackToAMechanicalSummary() async throws {
        let client = windowedClient(
            window: 3000,
            summary: { _ in .error(LLMError(.contextLengthExceeded, "prompt is too long", status: 400)) })
        let agent = compactingAgent(client)
        let recorder = EventRecorder(agent)
        for turn in 0..<8 { _ = try await agent.run(.text("turn \(turn) " + String(repeating: "p", count: 800))) }
        let events = await recorder.collect()
        #expect(events.contains { $0.type == "compaction_completed" })
        let session = await agent.session
        let summaries = session.messages.compactMap { message -> String? in
            if case .user(let content, .compactionSummary, _) = message { return content.first?.textProjection }
            return nil
        }
        #expect(summaries.first?.contains("Mechanical summary") == true)
    }

    @Test func requestThatCannotFitFailsWithATypedContextError() async throws {
        let client = windowedClient(window: 3000)
        let agent = compactingAgent(client)
        do {
            _ = try await agent.run(.text(String(repeating: "huge ", count: 4000)))
            Issue.record("the run must fail")
        } catch {
            #expect(error.report.reason == "context_window_exceeded")
            #expect(error.llmError?.kind == .contextLengthExceeded)
        }
        #expect(client.requests.isEmpty)
    }

    @Test func minTurnsBetweenCompactionsSpacesThresholdCompactions() async throws {
        let client = windowedClient(window: 3000)
        let agent = compactingAgent(client, minTurns: 4)
        let recorder = EventRecorder(agent)
        for turn in 0..<40 { _ = try await agent.run(.text("turn \(turn) " + String(repeating: "p", count: 200))) }
        let events = await recorder.collect()
        var callsSince = Int.max
        for event in events {
            switch event.type {
            case "compaction_started":
                #expect(callsSince >= 4)
                callsSince = 0
            case "turn_started": if callsSince < Int.max { callsSince += 1 }
            default: break
            }
        }
        #expect(events.contains { $0.type == "compaction_completed" })
    }

    @Test func manualCompactionPersistsFirstAndRunsWaitForIt() async throws {
        let gate = ScriptedGate()
        let client = ScriptedLLMClient { request, _ in
            isSummaryCall(request) ? .gated(gate, .text("MANUAL SUMMARY")) : .text("answer")
        }
        let agent = makeAgent(client)
        for turn in 0..<6 { _ = try await agent.run(.text("t\(turn)")) }
        let persisted = Box<Session?>(nil)
        let compaction = Task { try await agent.compact { session in persisted.update { $0 = session } } }
        await client.waitForRequests(7)
        // A run started during the compaction waits for it (and for its persistence).
        let during = Task { try await agent.run(.text("during")) }
        gate.open()
        let outcome = try await compaction.value
        #expect(outcome.messagesAfter < outcome.messagesBefore)
        let session = await agent.session
        #expect(
            session.contextMessages.contains {
                if case .user(let content, .compactionSummary, _) = $0 {
                    content.first?.textProjection.contains("MANUAL SUMMARY") == true
                } else {
                    false
                }
            })
        #expect(persisted.value?.activeContext != nil)
        let result = try await during.value
        #expect(result.text == "answer")
        let final = await agent.session
        #expect(Array(final.messages.prefix(session.messages.count)) == session.messages)
        #expect(client.requests.last?.messages.count == final.contextMessages.count - 1)
    }
}
