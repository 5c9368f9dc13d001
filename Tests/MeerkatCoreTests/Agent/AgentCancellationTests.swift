import Foundation
import MeerkatCore
import MeerkatTesting
import Testing

@Suite("Agent cancellation")
struct AgentCancellationTests {
    @Test func cancelMidStreamLeavesNoPartialAssistantMessage() async throws {
        let client = ScriptedLLMClient([.stall(after: [.textDelta("partial")])])
        let agent = makeAgent(client)
        let recorder = EventRecorder(agent)
        let run = Task { try await agent.run(.text("go")) }
        await client.waitForRequests(1)
        await agent.cancel()
        await #expect {
            _ = try await run.value
        } throws: { ($0 as? AgentError)?.cause == .cancelled }
        let session = await agent.session
        #expect(session.messages.count == 1)
        #expect(session.unansweredToolUseIDs.isEmpty)
        let events = await recorder.collect()
        #expect(
            events.last
                == .runFailed(
                    sessionID: agent.sessionID, errorReport: AgentError.cancelled.report, terminalCauseKind: .cancelled)
        )
        #expect(await agent.isRunning == false)
    }

    @Test func cancelMidToolAnswersEveryToolUse() async throws {
        let started = ScriptedGate()
        let never = ScriptedGate()
        let cooperative = ClosureTool(name: "slow") { _, _ in
            started.open()
            try await withTaskCancellationHandler {
                await never.wait()
            } onCancel: {
            }
            try Task.checkCancellation()
            return .text("late")
        }
        // Ignores cancellation entirely: the race must not wait for it.
        let stubborn = ClosureTool(name: "stubborn") { _, _ in
            await never.wait()
            return .text("late")
        }
        let client = ScriptedLLMClient([
            .toolCalls([
                ScriptedToolCall(id: "fast", name: "echo", args: ["text": "f"]),
                ScriptedToolCall(id: "slow", name: "slow", args: [:]),
                ScriptedToolCall(id: "stub", name: "stubborn", args: [:]),
            ])
        ])
        let agent = makeAgent(client, tools: [echoTool, cooperative, stubborn])
        let run = Task { try await agent.run(.text("go")) }
        await started.wait()
        run.cancel()
        await #expect {
            _ = try await run.value
        } throws: { ($0 as? AgentError)?.cause == .cancelled }
        let session = await agent.session
        #expect(session.unansweredToolUseIDs.isEmpty)
        let results = toolResults(session)
        #expect(results.map(\.toolUseID) == ["fast", "slow", "stub"])
        #expect(results[1].isError && results[2].isError)
        never.open()
    }

    @Test func cancelWhileIdleIsANoOp() async throws {
        let agent = makeAgent(ScriptedLLMClient([.text("ok")]))
        await agent.cancel()
        #expect(try await agent.run(.text("go")).text == "ok")
    }

    @Test func secondConcurrentRunIsRefused() async throws {
        let gate = ScriptedGate()
        let client = ScriptedLLMClient([.gated(gate, .text("first")), .text("second")])
        let agent = makeAgent(client)
        let first = Task { try await agent.run(.text("one")) }
        await client.waitForRequests(1)
        await #expect {
            _ = try await agent.run(.text("two"))
        } throws: { ($0 as? AgentError)?.report.reason == "session_busy" }
        gate.open()
        #expect(try await first.value.text == "first")
    }
}
