import Foundation

/// How one tool call ended.
enum ToolRunOutcome: Sendable {
    case completed(ToolOutput, Duration)
    case timedOut(Duration)
    case cancelled
}

extension Agent {
    struct BatchOutcome {
        var cancelled = false
        var budgetExhausted = false
    }

    /// Runs every call of one assistant message in parallel (bounded), then commits one `tool_results` row with a
    /// result for every call, in request order — also when cancelled or out of budget.
    func runToolBatch(
        _ calls: [ToolCall], state: inout RunState, visible: Set<String>, checkpoint: any RunCheckpoint = NoCheckpoint()
    ) async -> BatchOutcome {
        var outcome = BatchOutcome()
        for call in calls { events.publish(.toolCallRequested(id: call.id, name: call.name, args: call.args)) }

        var results = [ToolResult?](repeating: nil, count: calls.count)
        var runnable: [Int] = []
        for (index, call) in calls.enumerated() {
            if !visible.contains(call.name) {
                let reason =
                    tools.contains(call.name)
                    ? "Tool '\(call.name)' is not available in this turn." : "Unknown tool '\(call.name)'."
                results[index] = ToolResult(toolUseID: call.id, text: reason, isError: true)
                events.publish(
                    .toolResultReceived(id: call.id, name: call.name, content: [.text(reason)], isError: true))
                continue
            }
            if let limit = config.budget.maxToolCalls, lifetimeToolCalls + runnable.count >= limit {
                let reason = "Not executed: the tool-call budget of \(limit) is exhausted."
                results[index] = ToolResult(toolUseID: call.id, text: reason, isError: true)
                events.publish(
                    .toolResultReceived(id: call.id, name: call.name, content: [.text(reason)], isError: true))
                outcome.budgetExhausted = true
                continue
            }
            runnable.append(index)
        }

        let dispatcher = tools
        let clock = self.clock
        let policy = config.toolExecution
        let sessionID = self.sessionID
        let runID = state.runID
        let signal = yieldSignal
        let generation = batchYieldGeneration
        let limit = max(1, policy.maxConcurrent)
        await withTaskGroup(of: (Int, ToolRunOutcome).self) { group in
            var next = 0
            func launch(_ index: Int) {
                let call = calls[index]
                events.publish(.toolExecutionStarted(id: call.id, name: call.name))
                let context = ToolCallContext(
                    sessionID: sessionID, runID: runID, toolUseID: call.id, yieldSignal: signal,
                    yieldGeneration: generation,
                    yieldPending: { await checkpoint.yieldPending() })
                let timeout = policy.timeout(for: call.name)
                group.addTask {
                    (
                        index,
                        await Self.runTool(
                            call, dispatcher: dispatcher, context: context, timeout: timeout, clock: clock)
                    )
                }
            }
            while next < runnable.count, next < limit {
                launch(runnable[next])
                next += 1
            }
            for await (index, result) in group {
                let call = calls[index]
                switch result {
                case .completed(let output, let duration):
                    results[index] = ToolResult(toolUseID: call.id, content: output.content, isError: output.isError)
                    events.publish(
                        .toolResultReceived(
                            id: call.id, name: call.name, content: output.content, isError: output.isError))
                    events.publish(
                        .toolExecutionCompleted(
                            id: call.id, name: call.name, content: output.content, isError: output.isError,
                            durationMS: duration.milliseconds))
                case .timedOut(let duration):
                    let timeout = policy.timeout(for: call.name)
                    let text = "Tool '\(call.name)' timed out after \(timeout) and was abandoned."
                    results[index] = ToolResult(toolUseID: call.id, text: text, isError: true)
                    events.publish(
                        .toolExecutionTimedOut(id: call.id, name: call.name, timeoutMS: timeout.milliseconds))
                    events.publish(
                        .toolResultReceived(id: call.id, name: call.name, content: [.text(text)], isError: true))
                    events.publish(
                        .toolExecutionCompleted(
                            id: call.id, name: call.name, content: [.text(text)], isError: true,
                            durationMS: duration.milliseconds))
                case .cancelled:
                    outcome.cancelled = true
                }
                if Task.isCancelled {
                    outcome.cancelled = true
                } else if next < runnable.count {
                    launch(runnable[next])
                    next += 1
                }
            }
        }
        if Task.isCancelled { outcome.cancelled = true }

        var committed: [ToolResult] = []
        for (index, call) in calls.enumerated() {
            if let result = results[index] {
                committed.append(result)
                if runnable.contains(index) { state.toolCalls += 1 }
            } else {
                committed.append(
                    ToolResult(
                        toolUseID: call.id, text: "The run was cancelled before this tool call finished.", isError: true
                    ))
            }
        }
        lifetimeToolCalls += runnable.count
        commit([.toolResults(results: committed, createdAt: Date())])
        noteBudgetUse()
        return outcome
    }

    /// Runs one call raced against its timeout and the run's cancellation; the loser is cancelled, not awaited.
    private static func runTool(
        _ call: ToolCall, dispatcher: ToolDispatcher, context: ToolCallContext, timeout: Duration,
        clock: any MeerkatClock
    ) async -> ToolRunOutcome {
        let start = clock.now()
        let race = Race<ToolRunOutcome>()
        let work = Task {
            let output = await dispatcher.dispatch(call, context: context)
            race.finish(.completed(output, clock.now() - start))
        }
        let timer = Task {
            do {
                try await clock.sleep(until: start + timeout)
                race.finish(.timedOut(clock.now() - start))
            } catch {}
        }
        race.onFinish {
            work.cancel()
            timer.cancel()
        }
        return await race.value(onCancel: { .cancelled })
    }
}
