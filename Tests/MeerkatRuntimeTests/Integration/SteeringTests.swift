import Foundation
import MeerkatCore
import MeerkatRuntime
import MeerkatTesting
import Testing

/// Steering into a running turn with the real agent loop and the scripted LLM (RUNTIME.md §7.6).
@Suite("Steering with the real agent")
struct SteeringTests {
    private func agent(_ client: ScriptedLLMClient, tools: [any Tool]) -> Agent {
        var config = AgentConfig(model: "scripted")
        config.retry.streamInactivityTimeout = nil
        return Agent(
            session: Session(), client: client, tools: ToolDispatcher(tools), config: config, clock: ManualClock())
    }

    private func steer(_ text: String) -> Input {
        .prompt(PromptInput(content: .text(text), turnMetadata: RuntimeTurnMetadata(handlingMode: .steer)))
    }

    private func text(_ messages: [Message]) -> String {
        messages.map { message -> String in
            switch message {
            case .user(let content, _, _), .systemNotice(_, let content, _): content.map(\.textProjection).joined()
            case .system(let content, _): content
            case .assistant: message.assistantText ?? ""
            case .toolResults(let results, _): results.map(\.text).joined()
            }
        }.joined(separator: "\n")
    }

    @Test func steerAdmittedDuringToolBatchReachesNextRequestAsContextOnly() async throws {
        let started = ScriptedGate()
        let release = ScriptedGate()
        let slow = ClosureTool(name: "slow") { _, _ in
            started.open()
            await release.wait()
            return .text("slow result")
        }
        let client = ScriptedLLMClient([
            .toolCalls([ScriptedToolCall(id: "t1", name: "slow", args: [:])]), .text("final answer"),
        ])
        let agent = agent(client, tools: [slow])
        let (runtime, _) = try await SessionRuntime.open(session: agent.sessionID, store: InMemoryRuntimeStore())
        try await runtime.attach(agent)

        let (_, promptHandle) = try await runtime.accept(Inputs.prompt("do the task"), wantsCompletion: true)
        await started.wait()
        let (steerOutcome, steerHandle) = try await runtime.accept(
            steer("also mention the README"), wantsCompletion: true)
        #expect(steerOutcome.isAccepted)
        release.open()

        #expect(try await steerHandle?.wait() == .completedWithoutResult)
        guard case .completed(let result) = try await promptHandle?.wait() else {
            Issue.record("the prompt completes")
            return
        }
        #expect(result.text == "final answer")
        #expect(client.requests.count == 2)
        #expect(!text(client.requests[0].messages).contains("also mention the README"))
        #expect(text(client.requests[1].messages).contains("also mention the README"))
        let transcript = await agent.session.messages
        #expect(!text(transcript).contains("also mention the README"))
        #expect(transcript.count == 4)  // user, tool call, tool result, final answer
        let row = try await runtime.inputState(steerOutcome.inputID!)
        #expect(row?.seed.terminalOutcome == .consumed)
        #expect(row?.seed.lastBoundarySequence == 1)  // the live checkpoint receipt; the run's terminal boundary is 2
    }

    @Test func steerWithoutAReachableCheckpointFallsBackToAnOrdinaryTurn() async throws {
        let gate = ScriptedGate()
        let client = ScriptedLLMClient([.gated(gate, .text("first answer")), .text("second answer")])
        let agent = agent(client, tools: [])
        let (runtime, _) = try await SessionRuntime.open(session: agent.sessionID, store: InMemoryRuntimeStore())
        try await runtime.attach(agent)
        let (_, first) = try await runtime.accept(Inputs.prompt("question"), wantsCompletion: true)
        await client.waitForRequests(1)
        let (outcome, steerHandle) = try await runtime.accept(steer("late steer"), wantsCompletion: true)
        gate.open()
        guard case .completed = try await first?.wait() else {
            Issue.record("first completes")
            return
        }
        guard case .completed(let result) = try await steerHandle?.wait() else {
            Issue.record("the fallen-back steer runs as its own turn")
            return
        }
        #expect(result.text == "second answer")
        // As an ordinary turn the steer is a transcript user message.
        #expect(text(await agent.session.messages).contains("late steer"))
        let history = try await runtime.inputState(outcome.inputID!)?.state.history.compactMap(\.reason) ?? []
        #expect(history.contains("LiveBoundaryUnavailable"))
    }

    @Test func interruptYieldingWakesACooperativeWaitWithoutCancelling() async throws {
        let waiting = ScriptedGate()
        let wait = ClosureTool(name: "wait") { _, context in
            let generation = context.yieldSignal.generation
            waiting.open()
            await context.yieldSignal.wait(after: generation)
            return .text("woken early")
        }
        let client = ScriptedLLMClient([
            .toolCalls([ScriptedToolCall(id: "w", name: "wait", args: [:])]), .text("after wait"),
        ])
        let agent = agent(client, tools: [wait])
        let (runtime, _) = try await SessionRuntime.open(session: agent.sessionID, store: InMemoryRuntimeStore())
        try await runtime.attach(agent)
        let (_, handle) = try await runtime.accept(Inputs.prompt("wait for news"), wantsCompletion: true)
        await waiting.wait()
        // A default peer message while running signals interrupt_yielding.
        _ = try await runtime.accept(Inputs.peer("news arrived"))
        guard case .completed(let result) = try await handle?.wait() else {
            Issue.record("the run was not cancelled")
            return
        }
        #expect(result.text == "after wait")
        #expect(text(await agent.session.messages).contains("woken early"))
    }
}
