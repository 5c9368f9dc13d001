import Foundation
import MeerkatCore
import MeerkatTesting
import Testing

@Suite("Agent loop")
struct AgentLoopTests {
    @Test func simpleRunEmitsEventsInOrderAndCommitsTranscript() async throws {
        let client = ScriptedLLMClient([.text("Hello world")])
        let agent = makeAgent(client)
        let recorder = EventRecorder(agent)
        let result = try await agent.run(.text("hi"))
        #expect(result.text == "Hello world")
        #expect(result.turns == 1 && result.toolCalls == 0 && result.terminalCauseKind == nil)
        #expect(result.usage == Usage(inputTokens: 10, outputTokens: 5))
        let events = await recorder.collect()
        #expect(
            events.types == [
                "run_started", "turn_started", "text_delta", "text_delta", "text_complete", "usage_updated",
                "turn_completed", "run_completed",
            ])
        let session = await agent.session
        #expect(session.messages.count == 2)
        #expect(session.messages[1].assistantText == "Hello world")
    }

    @Test func toolRunEmitsEventsInOrderAndLoopsUntilNoToolCalls() async throws {
        let client = ScriptedLLMClient([
            .toolCalls([ScriptedToolCall(id: "c1", name: "echo", args: ["text": "x"])]), .text("done"),
        ])
        let agent = makeAgent(client, tools: [echoTool])
        let recorder = EventRecorder(agent)
        let result = try await agent.run(.text("go"))
        #expect(result.text == "done" && result.turns == 2 && result.toolCalls == 1)
        let events = await recorder.collect()
        #expect(
            events.types == [
                "run_started", "turn_started", "usage_updated", "tool_call_requested", "tool_execution_started",
                "tool_result_received", "tool_execution_completed", "turn_started", "text_delta", "text_complete",
                "usage_updated", "turn_completed", "run_completed",
            ])
        let second = client.requests[1]
        guard case .toolResults(let results, _) = second.messages.last else {
            Issue.record("second request must end with the tool results")
            return
        }
        #expect(results == [ToolResult(toolUseID: "c1", text: "echo: x")])
        #expect(second.tools.map(\.name) == ["echo"])
    }

    @Test func twoParallelToolCallsExecuteConcurrently() async throws {
        let meeting = Rendezvous(parties: 2)
        let meet = ClosureTool(name: "meet") { _, _ in
            await meeting.arrive()
            return .text("met")
        }
        let client = ScriptedLLMClient([
            .toolCalls([
                ScriptedToolCall(id: "a", name: "meet", args: [:]), ScriptedToolCall(id: "b", name: "meet", args: [:]),
            ]),
            .text("ok"),
        ])
        // Sequential execution would leave the first call waiting for a partner that never comes; the real clock's
        // tool timeout bounds that failure instead of hanging the suite.
        let agent = makeAgent(client, tools: [meet], clock: SystemClock()) {
            $0.toolExecution.defaultTimeout = .seconds(10)
        }
        _ = try await agent.run(.text("go"))
        #expect(await meeting.maxWaiting == 2)
        let results = toolResults(await agent.session)
        #expect(results.map(\.toolUseID) == ["a", "b"])
        #expect(results.allSatisfy { !$0.isError && $0.text == "met" })
    }

    @Test func concurrencyLimitOfOneRunsToolsOneAtATime() async throws {
        let active = Box(0)
        let peak = Box(0)
        let tool = ClosureTool(name: "t") { _, _ in
            active.update { $0 += 1 }
            peak.update { $0 = max($0, active.value) }
            await Task.yield()
            active.update { $0 -= 1 }
            return .text("ok")
        }
        let calls = (0..<4).map { ScriptedToolCall(id: "c\($0)", name: "t", args: [:]) }
        let agent = makeAgent(ScriptedLLMClient([.toolCalls(calls), .text("done")]), tools: [tool]) {
            $0.toolExecution.maxConcurrent = 1
        }
        _ = try await agent.run(.text("go"))
        #expect(peak.value == 1)
        #expect(toolResults(await agent.session).map(\.toolUseID) == ["c0", "c1", "c2", "c3"])
    }

    @Test func toolErrorBecomesIsErrorResultAndLoopContinues() async throws {
        let failing = ClosureTool(name: "disk") { _, _ in throw ToolError.executionFailed("disk full") }
        let client = ScriptedLLMClient([
            .toolCalls([ScriptedToolCall(id: "c1", name: "disk", args: [:])]), .text("recovered"),
        ])
        let agent = makeAgent(client, tools: [failing])
        let result = try await agent.run(.text("go"))
        #expect(result.text == "recovered")
        let results = toolResults(await agent.session)
        #expect(results.count == 1 && results[0].isError)
        #expect(results[0].text.contains("disk full"))
        #expect(client.requests.count == 2)
    }

    @Test func toolTimeoutYieldsErrorResultAndTimedOutEvent() async throws {
        let clock = ManualClock()
        let never = ScriptedGate()
        let slow = ClosureTool(name: "slow") { _, _ in
            await never.wait()
            return .text("late")
        }
        let client = ScriptedLLMClient([
            .toolCalls([ScriptedToolCall(id: "c1", name: "slow", args: [:])]), .text("after"),
        ])
        let agent = makeAgent(client, tools: [slow], clock: clock) {
            $0.retry.streamInactivityTimeout = nil
            $0.toolExecution.timeouts["slow"] = .seconds(5)
        }
        let recorder = EventRecorder(agent)
        let run = Task { try await agent.run(.text("go")) }
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(5))
        let result = try await run.value
        #expect(result.text == "after")
        let results = toolResults(await agent.session)
        #expect(results[0].isError && results[0].text.contains("timed out"))
        let events = await recorder.collect()
        #expect(events.contains(.toolExecutionTimedOut(id: "c1", name: "slow", timeoutMS: 5000)))
        never.open()
    }

    @Test func malformedToolArgumentsBecomeErrorResultNamingTheProblem() async throws {
        let called = Box(false)
        let tool = ClosureTool(name: "read") { _, _ in
            called.update { $0 = true }
            return .text("x")
        }
        let client = ScriptedLLMClient([
            .toolCalls([ScriptedToolCall(id: "c1", name: "read", rawArgs: #"{"path": "#)]), .text("fine"),
        ])
        let agent = makeAgent(client, tools: [tool])
        _ = try await agent.run(.text("go"))
        let result = toolResults(await agent.session)[0]
        #expect(result.isError)
        #expect(result.text.contains("Invalid arguments for tool 'read'"))
        #expect(result.text.contains("not valid JSON"))
        #expect(!called.value)
    }

    @Test func schemaViolatingToolArgumentsAreRefusedBeforeTheToolRuns() async throws {
        let client = ScriptedLLMClient([
            .toolCalls([ScriptedToolCall(id: "c1", name: "echo", args: ["txt": 1])]), .text("ok"),
        ])
        let agent = makeAgent(client, tools: [echoTool])
        _ = try await agent.run(.text("go"))
        let result = toolResults(await agent.session)[0]
        #expect(result.isError && result.text.contains("missing required property 'text'"))
    }

    @Test func callToUnknownToolIsRefusedWithErrorResult() async throws {
        let client = ScriptedLLMClient([
            .toolCalls([ScriptedToolCall(id: "c1", name: "rm_rf", args: [:])]), .text("ok"),
        ])
        let agent = makeAgent(client, tools: [echoTool])
        _ = try await agent.run(.text("go"))
        let result = toolResults(await agent.session)[0]
        #expect(result.isError && result.text.contains("Unknown tool 'rm_rf'"))
    }

    @Test func toolHiddenByTurnOverlayIsNotAdvertisedAndIsRefused() async throws {
        let client = ScriptedLLMClient([
            .toolCalls([ScriptedToolCall(id: "c1", name: "echo", args: ["text": "a"])]), .text("ok"),
        ])
        let agent = makeAgent(client, tools: [echoTool])
        let options = RunOptions(
            turnMetadata: RuntimeTurnMetadata(flowToolOverlay: TurnToolOverlay(blockedTools: ["echo"])))
        _ = try await agent.run(.text("go"), options: options)
        #expect(client.requests[0].tools.isEmpty)
        let result = toolResults(await agent.session)[0]
        #expect(result.isError && result.text.contains("not available in this turn"))
    }

    @Test func injectedContextPrecedesTheUserMessage() async throws {
        let agent = makeAgent(ScriptedLLMClient([.text("ok")]))
        _ = try await agent.run(.text("question"), options: RunOptions(injectedContext: [.text("host context")]))
        let messages = await agent.session.messages
        #expect(
            messages[0]
                == .user(
                    content: [.text("host context")], transcriptRole: .injectedContext, createdAt: messages[0].createdAt
                ))
        #expect(
            messages[1]
                == .user(
                    content: [.text("question")], transcriptRole: .conversational, createdAt: messages[1].createdAt))
    }

    @Test func runPendingContinuesFromToolResultsAtTheTail() async throws {
        let client = ScriptedLLMClient([.text("continued")])
        let agent = makeAgent(client)
        try await agent.append([
            .user(content: [.text("q")], transcriptRole: .conversational, createdAt: Date()),
            .assistant(
                blocks: [.toolUse(ToolCall(id: "x", name: "cb", args: [:]))], stopReason: .toolUse, createdAt: Date()),
            .toolResults(results: [ToolResult(toolUseID: "x", text: "external")], createdAt: Date()),
        ])
        let recorder = EventRecorder(agent)
        let result = try await agent.runPending()
        #expect(result.text == "continued")
        let events = await recorder.collect()
        #expect(events.first == .runStarted(sessionID: agent.sessionID, input: .pendingToolResults))
        #expect(client.requests[0].messages.count == 3)
    }

    @Test func reasoningBlocksKeepTheirContinuityMeta() async throws {
        let agent = makeAgent(ScriptedLLMClient([.reasoning("hmm", signature: "sig-1", then: .text("answer"))]))
        _ = try await agent.run(.text("q"))
        guard case .assistant(let blocks, _, _) = await agent.session.messages.last else {
            Issue.record("expected an assistant message")
            return
        }
        #expect(
            blocks.first
                == .reasoning(text: "hmm", meta: ProviderMeta(provider: "scripted", data: ["signature": "sig-1"])))
        #expect(blocks.last == .text(text: "answer", meta: nil))
    }

    @Test func missingUsageStillCompletesTheTurn() async throws {
        let recorder: EventRecorder
        let agent = makeAgent(ScriptedLLMClient([.text("no usage here", usage: nil)]))
        recorder = EventRecorder(agent)
        let result = try await agent.run(.text("q"))
        // Unknown, not zero: "q" and "no usage here" estimated at four characters a token.
        #expect(result.usage == .unreported(estimated: 4))
        #expect(result.usage.isUnreported)
        let events = await recorder.collect()
        #expect(events.contains(.turnCompleted(stopReason: .endTurn, usage: nil)))
    }

    @Test func steerContextFromCheckpointReachesNextRequestButNotTranscript() async throws {
        struct OneSteer: RunCheckpoint {
            let seen = Box<[CheckpointInfo]>([])
            func atBoundary(_ info: CheckpointInfo) async -> [SteerContext] {
                seen.update { $0.append(info) }
                return info.completedCalls == 1 ? [SteerContext(content: [.text("also check the README")])] : []
            }
        }
        let checkpoint = OneSteer()
        let client = ScriptedLLMClient([
            .toolCalls([ScriptedToolCall(id: "c1", name: "echo", args: ["text": "a"])]),
            .toolCalls([ScriptedToolCall(id: "c2", name: "echo", args: ["text": "b"])]), .text("done"),
        ])
        let agent = makeAgent(client, tools: [echoTool])
        _ = try await agent.run(.text("go"), options: RunOptions(checkpoint: checkpoint))
        #expect(checkpoint.seen.value.map(\.completedCalls) == [1, 2])
        let steerRow = Message.user(
            content: [.text("also check the README")], transcriptRole: .injectedContext, createdAt: Date())
        func hasSteer(_ messages: [Message]) -> Bool {
            messages.contains {
                if case .user(let c, .injectedContext, _) = $0 { c == [.text("also check the README")] } else { false }
            }
        }
        #expect(!hasSteer(client.requests[0].messages))
        #expect(hasSteer(client.requests[1].messages))
        #expect(hasSteer(client.requests[2].messages))
        // Placed after the tool results of the boundary where it arrived, before later rows.
        #expect(client.requests[2].messages.count == (await agent.session.messages.count) - 1 + 1)
        #expect(!hasSteer(await agent.session.messages))
        _ = steerRow
    }
}

@Suite("Tool dispatcher")
struct ToolDispatcherTests {
    @Test func toolWithUnusableSchemaRefusesCallsNamingTheProblem() async {
        let broken = ClosureTool(name: "broken", inputSchema: ["type": "object", "required": "path"]) { _, _ in
            .text("ran")
        }
        let dispatcher = ToolDispatcher([broken])
        #expect(dispatcher.schemaProblems["broken"] != nil)
        let output = await dispatcher.dispatch(
            ToolCall(id: "1", name: "broken", args: [:]),
            context: ToolCallContext(sessionID: SessionID(), runID: nil, toolUseID: "1"))
        #expect(output.isError)
        #expect(output.content.first?.textProjection.contains("input schema is invalid") == true)
    }

    @Test func laterToolReplacesEarlierWithSameName() async {
        let first = ClosureTool(name: "t") { _, _ in .text("first") }
        let second = ClosureTool(name: "t") { _, _ in .text("second") }
        let dispatcher = ToolDispatcher([first]).adding([second])
        #expect(dispatcher.names == ["t"])
        let output = await dispatcher.dispatch(
            ToolCall(id: "1", name: "t", args: [:]),
            context: ToolCallContext(sessionID: SessionID(), runID: nil, toolUseID: "1"))
        #expect(output == .text("second"))
    }
}
