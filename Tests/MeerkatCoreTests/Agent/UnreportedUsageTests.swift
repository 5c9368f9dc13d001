import Foundation
import MeerkatCore
import MeerkatTesting
import Testing

/// Providers that report no usage (some self-hosted servers): usage is an estimate, never zero, and budgets bind.
@Suite("Agent unreported usage")
struct UnreportedUsageTests {
    private func silentCalls(_ count: Int) -> [ScriptedReply] {
        (0..<count).map {
            .toolCalls([ScriptedToolCall(id: "c\($0)", name: "echo", args: ["text": "x"])], usage: nil)
        }
    }

    @Test func callsWithoutUsageAreEstimatedAndMarkedUnreported() async throws {
        let client = ScriptedLLMClient([.text(String(repeating: "a", count: 400), usage: nil)])
        let agent = makeAgent(client)
        let recorder = EventRecorder(agent)
        let result = try await agent.run(.text(String(repeating: "b", count: 400)))
        #expect(result.usage.isUnreported)
        #expect(result.usage.inputTokens == 0 && result.usage.outputTokens == 0)
        // 800 characters of prompt and answer at four characters a token.
        #expect(result.usage.estimatedTokens == 200)
        #expect(result.usage.budgetedTokens == 200)
        let events = await recorder.collect()
        #expect(events.contains(.usageUpdated(call: .unreported(estimated: 200), session: .unreported(estimated: 200))))
    }

    @Test func tokenBudgetBindsOnEstimatesWhenTheProviderReportsNothing() async throws {
        let client = ScriptedLLMClient(silentCalls(50))
        let agent = makeAgent(client, tools: [echoTool]) { $0.budget.maxTokens = 60 }
        let result = try await agent.run(.text(String(repeating: "go ", count: 40)))
        #expect(result.terminalCauseKind == .budgetExhausted)
        #expect(client.requests.count < 50)
        #expect((result.usage.estimatedTokens ?? 0) >= 60)
    }

    @Test func mixedUsageKeepsReportedCountersAndAddsTheEstimate() {
        let total = Usage(inputTokens: 10, outputTokens: 5) + .unreported(estimated: 7)
        #expect(!total.isUnreported)
        #expect(total.totalTokens == 15 && total.estimatedTokens == 7 && total.budgetedTokens == 22)
        #expect(!Usage().isUnreported)
    }
}
