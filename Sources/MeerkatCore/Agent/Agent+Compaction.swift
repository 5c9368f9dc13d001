import Foundation

/// What a compaction did.
public struct CompactionOutcome: Sendable, Hashable {
    /// Estimated tokens of the summary row.
    public var summaryTokens: Int
    /// Rows in the context before and after.
    public var messagesBefore: Int
    public var messagesAfter: Int
    /// Estimated tokens of the next request before and after.
    public var tokensBefore: Int
    public var tokensAfter: Int
    /// True when the model could not summarise and a mechanical summary was used.
    public var mechanical: Bool
}

/// Why a compaction runs.
enum CompactionTrigger: Sendable, Equatable {
    /// Reported or estimated input crossed the threshold.
    case threshold
    /// The next request would not fit the window or the byte cap.
    case capacity
    /// The provider refused the request as too long.
    case contextLengthError
    /// Asked for explicitly.
    case manual
}

extension Agent {
    /// The compaction settings in force (a default policy when none is configured, for manual and error-driven use).
    var compactionPolicy: CompactionPolicy { config.compaction ?? CompactionPolicy() }

    /// The token estimator of a model (learned from that model's usage reports).
    func estimator(for model: String) -> TokenEstimator {
        estimators[model] ?? TokenEstimator(provider: activeClient.provider)
    }

    /// Folds a response's reported input tokens into the model's estimator.
    func noteUsage(_ usage: Usage?, requestBytes: Int, model: String) {
        guard let usage, usage.presentedInputTokens > 0 else { return }
        var estimator = estimator(for: model)
        estimator.observe(requestBytes: requestBytes, reportedInputTokens: usage.presentedInputTokens)
        estimators[model] = estimator
        lastReportedInputTokens = usage.presentedInputTokens
    }

    /// Estimated input tokens of a request.
    func estimatedTokens(_ request: LLMRequest) -> (tokens: Int, bytes: Int) {
        let bytes = canonicalSizes.bytes(of: request)
        return (estimator(for: request.model).tokens(bytes: bytes), bytes)
    }

    /// Whether the next request needs a compaction first, and why (AGENT.md §1.8 trigger signals).
    func compactionNeed(_ request: LLMRequest) -> CompactionTrigger? {
        guard let policy = config.compaction else { return nil }
        let (tokens, bytes) = estimatedTokens(request)
        if !fits(request, tokens: tokens, bytes: bytes, policy: policy) { return .capacity }
        guard callsSinceCompaction >= policy.minTurnsBetweenCompactions else { return nil }
        if let threshold = policy.thresholdTokens, max(tokens, lastReportedInputTokens ?? 0) >= threshold {
            return .threshold
        }
        if let threshold = policy.thresholdBytes, bytes >= threshold { return .threshold }
        return nil
    }

    /// True when the request (with its output reserve) fits the window and the byte cap.
    func fits(_ request: LLMRequest, tokens: Int, bytes: Int, policy: CompactionPolicy) -> Bool {
        if let window = policy.contextWindow, tokens + request.maxTokens > window { return false }
        if let cap = policy.maxRequestBytes, bytes > cap { return false }
        return true
    }

    /// Throws the typed context error when `request` cannot fit even after compacting.
    func ensureFits(_ request: LLMRequest) throws {
        guard let policy = config.compaction else { return }
        let (tokens, bytes) = estimatedTokens(request)
        guard !fits(request, tokens: tokens, bytes: bytes, policy: policy) else { return }
        var limits: [String] = []
        if let window = policy.contextWindow { limits.append("a context window of \(window) tokens") }
        if let cap = policy.maxRequestBytes { limits.append("a request cap of \(cap) bytes") }
        let message =
            "the next request needs about \(tokens) input tokens (\(bytes) bytes) plus \(request.maxTokens) output "
            + "tokens, which does not fit \(limits.joined(separator: " and ")) even after compaction"
        throw AgentError(
            cause: .llmFailure, message: message, reason: "context_window_exceeded",
            llmError: LLMError(.contextLengthExceeded, message))
    }

    /// Compacts the context: a summary call, then the history rebuilt as system rows + summary + recent exchanges.
    /// Returns the outcome, or nil after publishing `compaction_failed` (the transcript is then untouched).
    /// Throws only cancellation and time-budget failures.
    func compactContext(
        _ trigger: CompactionTrigger, state: RunState, model: String, tools: [ToolDefinition], maxTokens: Int
    ) async throws -> CompactionOutcome? {
        let policy = compactionPolicy
        let estimator = estimator(for: model)
        let before = session.contextIndices
        let rows = before.map { CompactionRebuild.Row(index: $0, message: session.messages[$0]) }
        let beforeRequest = LLMRequest(model: model, messages: rows.map(\.message), tools: tools, maxTokens: maxTokens)
        let tokensBefore = estimatedTokens(beforeRequest).tokens
        events.publish(
            .compactionStarted(
                inputTokens: lastReportedInputTokens, estimatedHistoryTokens: tokensBefore, messageCount: rows.count))

        // The rebuilt context should sit well under the threshold, so that compactions do not follow each other.
        // Without a known window (a provider refusal), aim at half of what was refused.
        let target = (policy.thresholdTokens ?? policy.contextWindow).map { $0 * 3 / 5 } ?? tokensBefore / 2
        let toolTokens = estimator.tokens(bytes: LLMRequest(model: model, messages: [], tools: tools).canonicalBytes)
        let plan = CompactionRebuild.plan(context: rows, recentTurnBudget: policy.recentTurnBudget) { kept in
            let bytes = kept.reduce(0) { $0 + CanonicalSizes.size(of: $1) }
            return estimator.tokens(bytes: bytes) + toolTokens + policy.maxSummaryTokens + maxTokens <= target
        }
        guard !plan.archived.isEmpty else {
            lastCompactionFailure =
                "nothing to compact: all \(rows.count) context rows belong to the kept recent exchanges"
            events.publish(.compactionFailed(reason: lastCompactionFailure ?? ""))
            return nil
        }

        var mechanical = false
        var summary: String
        do {
            summary = try await summarize(rows: rows, plan: plan, state: state, model: model, policy: policy)
        } catch let error as AgentError
            where error.llmError?.kind == .contextLengthExceeded || error.llmError?.kind == .requestTooLarge
            || error.report.reason == "empty_summary"
        {
            // The summary call itself is too large (or answered without text, e.g. with a tool call): a
            // deterministic summary still lets the session shrink.
            summary = CompactionSummary.mechanical(rows: rows, archived: Set(plan.archived))
            mechanical = true
        } catch let error as AgentError where error.cause != .cancelled && error.cause != .timeBudgetExceeded {
            lastCompactionFailure = "summary call failed: \(error.report.message)"
            events.publish(.compactionFailed(reason: lastCompactionFailure ?? ""))
            return nil
        }
        summary = CompactionSummary.bounded(summary, maxTokens: policy.maxSummaryTokens, estimator: estimator)
        try Task.checkCancellation()

        let summaryIndex = session.messages.count
        commit([
            .user(
                content: [.text(CompactionSummary.rowPrefix + summary)], transcriptRole: .compactionSummary,
                createdAt: Date())
        ])
        session.activeContext = plan.activeContext(summaryIndex: summaryIndex)
        lastReportedInputTokens = nil
        callsSinceCompaction = 0
        let after = session.contextMessages
        let outcome = CompactionOutcome(
            summaryTokens: estimator.tokens(bytes: summary.utf8.count), messagesBefore: rows.count,
            messagesAfter: after.count,
            tokensBefore: tokensBefore,
            tokensAfter: estimatedTokens(LLMRequest(model: model, messages: after, tools: tools, maxTokens: maxTokens))
                .tokens,
            mechanical: mechanical)
        events.publish(
            .compactionCompleted(
                summaryTokens: outcome.summaryTokens, messagesBefore: outcome.messagesBefore,
                messagesAfter: outcome.messagesAfter, tokensBefore: outcome.tokensBefore,
                tokensAfter: outcome.tokensAfter))
        return outcome
    }

    /// The summary call: the context rendered as a bounded text excerpt plus the hand-off prompt, no tools.
    private func summarize(
        rows: [CompactionRebuild.Row], plan: CompactionRebuild.Plan, state: RunState, model: String,
        policy: CompactionPolicy
    ) async throws -> String {
        let estimator = estimator(for: model)
        let window = policy.contextWindow ?? 100_000
        let excerptTokens = max(256, window - policy.maxSummaryTokens - 600)
        let excerpt = CompactionSummary.excerpt(
            rows: rows, archived: Set(plan.archived), maxBytes: estimator.bytes(tokens: excerptTokens) * 9 / 10)
        let request = LLMRequest(
            model: model,
            messages: [
                .system(content: CompactionSummary.systemPrompt, createdAt: Date()),
                .user(
                    content: [.text(excerpt + "\n\n" + CompactionSummary.handoffPrompt)],
                    transcriptRole: .conversational, createdAt: Date()),
            ],
            tools: [], maxTokens: policy.maxSummaryTokens)
        let response = try await callModel(request, run: state, emitDeltas: false)
        if let usage = response.usage {
            // Charged to the session; no turn_completed for the summary call.
            session.usage += usage
            lifetimeTokens += usage.totalTokens
        }
        let text = response.blocks.compactMap { if case .text(let t, _) = $0 { t } else { nil } }.joined()
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw AgentError(cause: .llmFailure, message: "the summary call returned no text", reason: "empty_summary")
        }
        return text
    }

    /// Compacts now, whatever the thresholds say (`SessionService.compact`). Waits for nothing: refused while a run
    /// is in progress. `persist` runs before any run may start, so the compacted session is durable first.
    public func compact(persist: (@Sendable (Session) async throws -> Void)? = nil) async throws(AgentError)
        -> CompactionOutcome
    {
        if stopped {
            throw AgentError(cause: .fatalFailure, message: "the agent was stopped", reason: "executor_stopped")
        }
        guard current == nil, compactionTask == nil else {
            throw AgentError(
                cause: .fatalFailure, message: "a run or compaction is in progress for this session",
                reason: "session_busy")
        }
        let tools = visibleTools(nil)
        let task = Task { () async -> Result<CompactionOutcome, AgentError> in
            let state = RunState(runID: RunID(), startedAt: clock.now())
            let saved = (session.messages.count, session.activeContext)
            defer { turnRoute = nil }
            do {
                // The summary call goes to the session's current model (after any reconfiguration), not to the
                // client the agent was built with.
                if let router {
                    do {
                        turnRoute = try await router.routeOutsideTurn()
                    } catch {
                        throw AgentError(
                            cause: .llmFailure, message: "model routing failed: \(error)", reason: "model_routing")
                    }
                }
                let model = turnRoute?.model ?? config.model
                let maxTokens = routedMaxTokens
                guard
                    let outcome = try await compactContext(
                        .manual, state: state, model: model, tools: tools, maxTokens: maxTokens)
                else {
                    return .failure(
                        AgentError(
                            cause: .llmFailure,
                            message: "the compaction did not happen: \(lastCompactionFailure ?? "unknown reason")",
                            reason: "compaction_failed"))
                }
                if let persist {
                    do {
                        try await persist(session)
                    } catch {
                        session.messages.removeSubrange(saved.0...)
                        session.activeContext = saved.1
                        return .failure(
                            AgentError(
                                cause: .fatalFailure, message: "the compacted session could not be saved: \(error)",
                                reason: "store_failed"))
                    }
                }
                return .success(outcome)
            } catch {
                session.messages.removeSubrange(saved.0...)
                session.activeContext = saved.1
                return .failure(
                    (error as? AgentError)
                        ?? (error is CancellationError
                            ? .cancelled
                            : AgentError(
                                cause: .unknown, message: "\(error)")))
            }
        }
        compactionTask = Task { _ = await task.value }
        let result = await task.value
        compactionTask = nil
        return try result.get()
    }
}
