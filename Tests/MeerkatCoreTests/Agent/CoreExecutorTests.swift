import Foundation
import MeerkatCore
import MeerkatTesting
import Testing

@Suite("Agent as CoreExecutor")
struct CoreExecutorTests {
    private func staged(_ text: String, ids: [InputID] = [fixedID], kind: RuntimeExecutionKind? = .contentTurn)
        -> RunPrimitive
    {
        .stagedInput(
            StagedRunInput(
                boundary: .runStart, appends: [ConversationAppend(role: .user, content: .text(text))],
                contributingInputIDs: ids,
                turnMetadata: RuntimeTurnMetadata(executionKind: kind)))
    }

    @Test func stagedContentTurnRunsAndReturnsReceiptAndSession() async throws {
        let agent = makeAgent(ScriptedLLMClient([.text("hi there")]))
        let output = try await agent.apply(staged("hello"), run: RunID(), checkpoint: NoCheckpoint())
        guard case .runResult(let result) = output.terminal else {
            Issue.record("expected a run result")
            return
        }
        #expect(result.text == "hi there")
        #expect(output.receipt.contributingInputIDs == [fixedID])
        #expect(output.receipt.boundary == .runStart)
        #expect(output.receipt.messageCount == 2)
        #expect(output.session?.messages.count == 2)
    }

    @Test func appendRolesMapToTranscriptRows() async throws {
        let client = ScriptedLLMClient([.text("ok")])
        let agent = makeAgent(client)
        let primitive = RunPrimitive.stagedInput(
            StagedRunInput(
                boundary: .runStart,
                appends: [
                    ConversationAppend(role: .injectedContext, content: .text("ctx")),
                    ConversationAppend(role: .systemNotice, content: .text("Peer message")),
                    ConversationAppend(role: .system, content: .text("be terse")),
                    ConversationAppend(role: .user, content: .text("q")),
                ]))
        _ = try await agent.apply(primitive, run: RunID(), checkpoint: NoCheckpoint())
        let roles = client.requests[0].messages.map(\.role)
        #expect(roles == ["user", "system_notice", "system", "user"])
    }

    @Test func immediateAppendCommitsWithoutATurn() async throws {
        let client = ScriptedLLMClient([])
        let agent = makeAgent(client)
        let output = try await agent.apply(
            .immediateAppend(ConversationAppend(role: .systemNotice, content: .text("note"))), run: RunID(),
            checkpoint: NoCheckpoint())
        #expect(output.terminal == .noResult)
        #expect(output.receipt.boundary == .immediate)
        #expect(client.requests.isEmpty)
        #expect(await agent.session.messages.count == 1)
    }

    @Test func resumePendingWithNothingPendingReportsNoPendingBoundary() async throws {
        let client = ScriptedLLMClient([.text("first")])
        let agent = makeAgent(client)
        _ = try await agent.run(.text("q"))
        let output = try await agent.apply(
            .stagedInput(
                StagedRunInput(boundary: .runStart, turnMetadata: RuntimeTurnMetadata(executionKind: .resumePending))),
            run: RunID(), checkpoint: NoCheckpoint())
        #expect(output.terminal == .noPendingBoundary)
        #expect(client.requests.count == 1)
    }

    @Test func failureBeforeAnyModelOutputRollsBackAndAsksForReplay() async throws {
        let agent = makeAgent(ScriptedLLMClient([.error(LLMError(.invalidRequest, "bad"))]))
        await #expect {
            _ = try await agent.apply(staged("q"), run: RunID(), checkpoint: NoCheckpoint())
        } throws: { error in
            if case .applyFailed(.runtimeTurn, let message) = error as? CoreExecutorError {
                return message.contains("bad")
            }
            return false
        }
        #expect(await agent.session.messages.isEmpty)
    }

    @Test func failureAfterModelOutputIsATerminalFailureCommittedWithTheSession() async throws {
        let client = ScriptedLLMClient([
            .toolCalls([ScriptedToolCall(id: "c", name: "echo", args: ["text": "x"])]),
            .error(LLMError(.invalidRequest, "bad")),
        ])
        let agent = makeAgent(client, tools: [echoTool])
        let output = try await agent.apply(staged("q"), run: RunID(), checkpoint: NoCheckpoint())
        guard case .machineTerminalFailure(let report) = output.terminal else {
            Issue.record("expected machine terminal failure, got \(output.terminal)")
            return
        }
        #expect(report.errorClass == .llm)
        #expect(output.session?.unansweredToolUseIDs.isEmpty == true)
    }

    @Test func interruptIsRunFencedAndCancels() async throws {
        let client = ScriptedLLMClient([.stall(after: [])])
        let agent = makeAgent(client)
        let run = RunID()
        let task = Task { try await agent.apply(staged("q"), run: run, checkpoint: NoCheckpoint()) }
        await client.waitForRequests(1)
        await agent.interrupt(run: RunID())  // a stale id never cancels the current run
        #expect(await agent.isRunning)
        await agent.interrupt(run: run)
        await #expect {
            _ = try await task.value
        } throws: { ($0 as? CoreExecutorError) == .cancelled }
    }

    @Test func stoppedExecutorRefusesWork() async throws {
        let agent = makeAgent(ScriptedLLMClient([.text("x")]))
        await agent.stop(reason: "test")
        await #expect {
            _ = try await agent.apply(staged("q"), run: RunID(), checkpoint: NoCheckpoint())
        } throws: { ($0 as? CoreExecutorError) == .stopped }
    }

    @Test func interruptYieldingWakesCooperativeWaitsWithoutCancelling() async throws {
        let waited = Box(false)
        let wait = ClosureTool(name: "wait") { _, context in
            let generation = context.yieldSignal.generation
            await context.yieldSignal.wait(after: generation)
            waited.update { $0 = true }
            return .text("woken")
        }
        let client = ScriptedLLMClient([
            .toolCalls([ScriptedToolCall(id: "w", name: "wait", args: [:])]), .text("after"),
        ])
        let agent = makeAgent(client, tools: [wait])
        let task = Task { try await agent.apply(staged("q"), run: RunID(), checkpoint: NoCheckpoint()) }
        // Fire until the tool has registered its wait (the signal only wakes current waiters).
        while !waited.value {
            await agent.interruptYielding()
            await Task.yield()
        }
        let output = try await task.value
        guard case .runResult(let result) = output.terminal else {
            Issue.record("expected result")
            return
        }
        #expect(result.text == "after")
        #expect(toolResults(await agent.session).first?.text == "woken")
    }
}

@Suite("Mid-run progress")
struct ProgressTests {
    struct Recorder: RunCheckpoint {
        let counts = Box<[Int]>([])
        func atBoundary(_ info: CheckpointInfo) async -> [SteerContext] { [] }
        func sessionProgress(_ session: Session, runStartIndex: Int) async {
            counts.update { $0.append(session.messages.count) }
        }
    }

    @Test func progressIsReportedAfterToolCallsAndToolBatchesButNotBeforeOutputOrForTheFinalAnswer() async throws {
        let client = ScriptedLLMClient([
            .toolCalls([ScriptedToolCall(id: "c", name: "echo", args: ["text": "x"])]), .text("done"),
        ])
        let agent = makeAgent(client, tools: [echoTool])
        let recorder = Recorder()
        let result = try await agent.run(.text("go"), options: RunOptions(checkpoint: recorder))
        // user+assistant(tool_use) → +tool_results; the final answer goes with the boundary commit.
        #expect(recorder.counts.value == [2, 3])
        #expect(result.text == "done")
        #expect(await agent.session.messages.count == 4)
    }

    @Test func aFinalAnswerWithoutToolsReportsNoProgress() async throws {
        let agent = makeAgent(ScriptedLLMClient([.text("hello")]))
        let recorder = Recorder()
        _ = try await agent.run(.text("go"), options: RunOptions(checkpoint: recorder))
        #expect(recorder.counts.value.isEmpty)
    }

    @Test func aFinalAnswerFollowedByAnExtractionIsReported() async throws {
        let schema: JSONValue = ["type": "object", "properties": ["n": ["type": "integer"]], "required": ["n"]]
        let client = ScriptedLLMClient([.text("the answer is 4"), .text(#"{"n":4}"#)])
        let agent = makeAgent(client) { $0.outputSchema = try! OutputSchema(json: schema) }
        let recorder = Recorder()
        let result = try await agent.run(.text("go"), options: RunOptions(checkpoint: recorder))
        // The answer is durable before the extraction's model call.
        #expect(recorder.counts.value == [2])
        #expect(result.structuredOutput == ["n": 4])
    }

    @Test func failureBeforeModelOutputReportsNoProgress() async throws {
        let agent = makeAgent(ScriptedLLMClient([.error(LLMError(.invalidRequest, "bad"))]))
        let recorder = Recorder()
        _ = try? await agent.run(.text("go"), options: RunOptions(checkpoint: recorder))
        #expect(recorder.counts.value.isEmpty)
    }
}
