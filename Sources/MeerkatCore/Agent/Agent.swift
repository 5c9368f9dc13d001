import Foundation

/// Runs one session's model ↔ tools loop (AGENT.md §1). One run at a time; events go to `events`.
///
/// A run appends the user content, then repeats: stream one LLM call, commit the assistant message, run its
/// tool calls in parallel and commit their results, until a message has no tool calls. Every `tool_use` committed
/// to the session is answered by a `tool_result`, whatever happens (errors, timeouts, cancellation).
public actor Agent {
    public nonisolated let sessionID: SessionID
    /// The session's events, in order, with a per-session `seq`.
    public nonisolated let events: EventBus
    /// The transcript and cumulative usage.
    public internal(set) var session: Session
    public private(set) var config: AgentConfig

    let client: any LLMClient
    /// Routes each assistant turn to its model (nil: every turn uses `client` and `config.model`).
    var router: (any AssistantTurnRouter)?
    /// The route of the run in progress.
    var turnRoute: TurnModelRoute?
    /// Resolves blob image references before a request is sent (a store that externalises images).
    var imageBlobs: (any ImageBlobResolving)?
    var tools: ToolDispatcher
    private var stagedTools: ToolDispatcher?
    /// The dispatcher without external tools (what `stageTools` last set).
    private var baseTools: ToolDispatcher
    /// Tools provided from outside the process (a connected client's callback tools), layered over `baseTools`.
    private var externalTools: [any Tool] = []
    /// True when `tools` must be rebuilt from `baseTools` and `externalTools` before the next LLM call.
    private var toolsChanged = false
    let clock: any MeerkatClock
    let jitterSample: @Sendable () -> Double
    let builtAt: Duration
    let yieldSignal = YieldSignal()

    /// The yield signal's generation when the run started or its last tool batch ended (see
    /// `ToolCallContext.yieldGeneration`).
    var batchYieldGeneration: UInt64 = 0
    var lifetimeTokens = 0
    var lifetimeToolCalls = 0
    var warnedBudgets: Set<BudgetType> = []
    var current: (runID: RunID, task: Task<RunResult, any Error>)?
    var stopped = false
    /// Token estimators per model, corrected by reported usage.
    var estimators: [String: TokenEstimator] = [:]
    /// Encoded sizes of the last request's messages, so each estimate encodes only what is new.
    var canonicalSizes = CanonicalSizes()
    /// Input tokens the provider reported for the last request since the last compaction (nil after a restart).
    var lastReportedInputTokens: Int?
    /// LLM calls since the last compaction (unbounded until the first one in this process).
    var callsSinceCompaction = Int.max
    /// A manual compaction in progress; runs wait for it.
    var compactionTask: Task<Void, Never>?
    /// Why the last compaction did not happen (for manual callers).
    var lastCompactionFailure: String?

    /// Builds an agent over a session.
    /// - Parameters:
    ///   - clock: time source for budgets, retries and watchdogs (tests inject a manual clock).
    ///   - jitter: a sample in -1...1 for retry jitter (tests inject a constant).
    public init(
        session: Session, client: any LLMClient, tools: ToolDispatcher = ToolDispatcher(), config: AgentConfig,
        clock: any MeerkatClock = SystemClock(),
        jitter: @escaping @Sendable () -> Double = { Double.random(in: -1...1) },
        events: EventBus? = nil
    ) {
        self.sessionID = session.id
        self.session = session
        self.client = client
        self.tools = tools
        self.baseTools = tools
        self.config = config
        self.clock = clock
        self.jitterSample = jitter
        self.builtAt = clock.now()
        self.events = events ?? EventBus(source: "session:\(session.id)")
    }

    /// True while a run is in progress.
    public var isRunning: Bool { current != nil }

    /// The id of the run in progress, if any.
    public var currentRunID: RunID? { current?.runID }

    /// Replaces the tool set from the next LLM call on (never mid-stream).
    public func stageTools(_ dispatcher: ToolDispatcher) {
        stagedTools = dispatcher
    }

    /// Replaces the externally provided tools from the next LLM call on (never mid-stream). They are added to the
    /// staged or current dispatcher and survive later `stageTools` calls; a built-in tool of the same name is
    /// replaced by the external one.
    public func setExternalTools(_ tools: [any Tool]) {
        externalTools = tools
        toolsChanged = true
    }

    /// Installs the resolver that turns blob image references of the transcript back into bytes for each request.
    public func setImageBlobResolver(_ resolver: (any ImageBlobResolving)?) {
        imageBlobs = resolver
    }

    /// Installs the per-turn model router (from the next run on).
    public func setRouter(_ router: (any AssistantTurnRouter)?) {
        self.router = router
    }

    /// The client the current call uses: the turn's route, else the agent's own.
    var activeClient: any LLMClient { turnRoute?.client ?? client }

    /// The model the current call uses (a turn's own `model` only matters without a router, which resolves it).
    func activeModel(_ metadata: RuntimeTurnMetadata?) -> String {
        turnRoute?.model ?? metadata?.model ?? config.model
    }

    /// Sets a metadata entry of the live session (carried by its next commit).
    public func setSessionMetadata(_ key: String, _ value: JSONValue?) {
        session.metadata[key] = value
    }

    /// Replaces the configuration for later runs.
    public func updateConfig(_ config: AgentConfig) {
        self.config = config
    }

    /// Runs a turn for new user content.
    public func run(_ input: ContentInput, options: RunOptions = RunOptions()) async throws(AgentError) -> RunResult {
        let prepared = PreparedRun(
            descriptor: .content(input),
            rows: options.injectedContext.map {
                Message.user(content: $0.blocks, transcriptRole: .injectedContext, createdAt: Date())
            }
                + [.user(content: input.blocks, transcriptRole: .conversational, createdAt: Date())])
        return try await execute(prepared, options: options)
    }

    /// Continues from tool results (or other rows) already at the transcript tail, without new user content.
    public func runPending(options: RunOptions = RunOptions()) async throws(AgentError) -> RunResult {
        try await execute(PreparedRun(descriptor: .pendingToolResults, rows: []), options: options)
    }

    /// Appends rows without running a turn.
    public func append(_ messages: [Message]) throws(AgentError) {
        guard current == nil, compactionTask == nil else {
            throw AgentError(
                cause: .fatalFailure, message: "cannot append to the transcript while a run is in progress",
                reason: "session_busy")
        }
        session.messages.append(contentsOf: messages)
        session.updatedAt = Date()
    }

    /// Cancels the run in progress (no-op when idle).
    public func cancel() {
        current?.task.cancel()
    }

    /// Cancels the run in progress only if it is `run`.
    public func cancel(run: RunID) {
        if current?.runID == run { current?.task.cancel() }
    }

    /// Wakes cooperative waits (the `wait` tool) without cancelling anything.
    public nonisolated func wakeYieldingWaits() {
        yieldSignal.fire()
    }

    /// Stops the agent: cancels the current run and refuses later ones.
    public func shutdown() {
        stopped = true
        current?.task.cancel()
    }

    struct PreparedRun: Sendable {
        var descriptor: RunInputDescriptor
        var rows: [Message]
    }

    /// Runs the loop in a child task so that `cancel` can reach it, and turns failures into events.
    func execute(_ prepared: PreparedRun, options: RunOptions) async throws(AgentError) -> RunResult {
        await compactionTask?.value
        if stopped {
            throw AgentError(cause: .fatalFailure, message: "the agent was stopped", reason: "executor_stopped")
        }
        guard current == nil else {
            throw AgentError(
                cause: .fatalFailure, message: "a run is already in progress for this session", reason: "session_busy")
        }
        let runID = options.runID ?? RunID()
        // Wake-ups fired from now on reach this run's cooperative waits, even one that lands before its first tool.
        batchYieldGeneration = yieldSignal.generation
        let task = Task { try await self.loop(prepared, runID: runID, options: options) }
        current = (runID, task)
        let outcome = await withTaskCancellationHandler {
            await task.result
        } onCancel: {
            task.cancel()
        }
        current = nil
        switch outcome {
        case .success(let result):
            return result
        case .failure(let error):
            let agentError =
                (error as? AgentError)
                ?? (error is CancellationError ? .cancelled : AgentError(cause: .unknown, message: "\(error)"))
            events.publish(
                .runFailed(sessionID: sessionID, errorReport: agentError.report, terminalCauseKind: agentError.cause))
            throw agentError
        }
    }

    /// Per-run mutable facts.
    struct RunState {
        let runID: RunID
        let startedAt: Duration
        /// Transcript length before the run appended anything.
        var startIndex = 0
        var calls = 0
        var toolCalls = 0
        /// Request-only context rows and the transcript index before which they are shown.
        var transient: [(position: Int, message: Message)] = []
    }

    private func loop(_ prepared: PreparedRun, runID: RunID, options: RunOptions) async throws -> RunResult {
        var state = RunState(runID: runID, startedAt: clock.now())
        let metadata = options.turnMetadata
        defer { turnRoute = nil }
        // Exactly one routing admission per assistant turn, before anything is sent.
        if let router {
            do {
                turnRoute = try await router.routeAssistantTurn(metadata)
            } catch let error as AgentError {
                throw error
            } catch {
                throw AgentError(cause: .llmFailure, message: "model routing failed: \(error)", reason: "model_routing")
            }
        }
        events.publish(.runStarted(sessionID: sessionID, input: prepared.descriptor))
        if let instructions = metadata?.additionalInstructions, !instructions.isEmpty {
            state.transient.append(
                (session.messages.count, .system(content: instructions.joined(separator: "\n\n"), createdAt: Date())))
        }
        state.startIndex = session.messages.count
        commit(prepared.rows)

        while true {
            try Task.checkCancellation()
            try checkTimeBudgets(state)
            if let stop = orderlyStopBeforeCall(state) {
                return finish(state, terminal: stop, options: options)
            }
            if state.calls > 0 {
                let steers = await options.checkpoint.atBoundary(
                    CheckpointInfo(runID: runID, completedCalls: state.calls, messageCount: session.messages.count))
                for steer in steers where !steer.content.isEmpty {
                    state.transient.append(
                        (
                            session.messages.count,
                            .user(content: steer.content, transcriptRole: .injectedContext, createdAt: Date())
                        ))
                }
            }
            if let staged = stagedTools {
                baseTools = staged
                stagedTools = nil
                toolsChanged = true
            }
            if toolsChanged {
                tools = externalTools.isEmpty ? baseTools : baseTools.adding(externalTools)
                toolsChanged = false
            }
            try Task.checkCancellation()
            let visible = visibleTools(metadata?.flowToolOverlay)
            func makeRequest() -> LLMRequest {
                LLMRequest(
                    model: activeModel(metadata), messages: requestMessages(state), tools: visible,
                    maxTokens: routedMaxTokens,
                    temperature: turnRoute?.supportsTemperature == false ? nil : config.temperature,
                    providerParams: metadata?.providerParams ?? routedProviderParams)
            }
            var request = makeRequest()
            if let trigger = compactionNeed(request) {
                if try await compactContext(
                    trigger, state: state, model: request.model, tools: visible, maxTokens: request.maxTokens) != nil
                {
                    request = makeRequest()
                }
                try ensureFits(request)
            }
            events.publish(.turnStarted(turnNumber: state.calls + 1))
            let response: ModelResponse
            do {
                response = try await callModel(request, run: state, emitDeltas: true)
            } catch let error as AgentError where error.llmError?.kind == .contextLengthExceeded {
                // The provider's own limit wins over the estimate: one compaction, one retry (AGENT.md §1.8).
                guard
                    try await compactContext(
                        .contextLengthError, state: state, model: request.model, tools: visible,
                        maxTokens: request.maxTokens) != nil
                else { throw error }
                request = makeRequest()
                response = try await callModel(request, run: state, emitDeltas: true)
            }
            if config.compaction != nil {
                noteUsage(response.usage, requestBytes: canonicalSizes.bytes(of: request), model: request.model)
            }
            state.calls += 1
            if callsSinceCompaction < Int.max { callsSinceCompaction += 1 }
            let usage = callUsage(response, request: request)
            // The request shares the transcript's storage; let go of it before the transcript grows, or appending the
            // answer would copy every message of the history.
            request.messages = []
            commitAssistant(response, usage: usage)
            let calls = response.blocks.compactMap { block -> ToolCall? in
                if case .toolUse(let call) = block { return call }
                return nil
            }
            // Progress is reported only once model output exists (before that a failed run rolls its rows back), and
            // only when more work follows it: tools to run, or a structured-output extraction. A final answer goes
            // straight into the run's boundary commit, which follows with no await but the runtime's own, so a
            // separate write of it would buy nothing but a transaction (docs/runtime.md, "Mid-run progress").
            if !calls.isEmpty || (options.outputSchema ?? config.outputSchema) != nil {
                await options.checkpoint.sessionProgress(session, runStartIndex: state.startIndex)
            }
            if calls.isEmpty {
                events.publish(.turnCompleted(stopReason: response.stopReason, usage: response.usage))
                return try await finishWithExtraction(state, options: options)
            }
            let executed = await runToolBatch(
                calls, state: &state, visible: Set(visible.map(\.name)), checkpoint: options.checkpoint)
            batchYieldGeneration = yieldSignal.generation
            await options.checkpoint.sessionProgress(session, runStartIndex: state.startIndex)
            if executed.cancelled { throw CancellationError() }
            if executed.budgetExhausted {
                return finish(state, terminal: .budgetExhausted, options: options)
            }
        }
    }

    /// Provider params of a request without turn params: the route's, else the agent's own unless the route goes to
    /// another provider.
    var routedProviderParams: JSONValue? {
        if let params = turnRoute?.providerParams { return params }
        return turnRoute?.inheritsSessionParams == false ? nil : config.providerParams
    }

    /// The output cap of a request: the config's, bounded by the routed model's.
    var routedMaxTokens: Int {
        guard let cap = turnRoute?.maxOutputTokens else { return config.maxTokensPerTurn }
        return min(config.maxTokensPerTurn, cap)
    }

    /// The tools the model may see this call: the dispatcher's, narrowed by the turn overlay.
    func visibleTools(_ overlay: TurnToolOverlay?) -> [ToolDefinition] {
        var definitions = tools.definitions
        if let allowed = overlay?.allowedTools { definitions = definitions.filter { allowed.contains($0.name) } }
        if let blocked = overlay?.blockedTools { definitions = definitions.filter { !blocked.contains($0.name) } }
        return definitions
    }

    /// The transcript with request-only rows placed where they were injected.
    /// After a compaction the transcript order differs from the model order only for the summary row, which is
    /// stored where it was made but shown before the recent rows; request-only rows are placed before the first
    /// other context row at or after their position.
    func requestMessages(_ state: RunState) -> [Message] {
        guard !state.transient.isEmpty else { return session.contextMessages }
        let indices = session.contextIndices
        var messages: [Message] = []
        messages.reserveCapacity(indices.count + state.transient.count)
        var pending = state.transient.sorted { $0.position < $1.position }[...]
        for index in indices {
            let message = session.messages[index]
            let isSummary: Bool
            if case .user(_, .compactionSummary, _) = message { isSummary = true } else { isSummary = false }
            while !isSummary, let next = pending.first, next.position <= index {
                messages.append(next.message)
                pending = pending.dropFirst()
            }
            messages.append(message)
        }
        messages.append(contentsOf: pending.map(\.message))
        return messages
    }

    func commit(_ rows: [Message]) {
        guard !rows.isEmpty else { return }
        session.messages.append(contentsOf: rows)
        session.updatedAt = Date()
    }

    private func commitAssistant(_ response: ModelResponse, usage: Usage) {
        commit([.assistant(blocks: response.blocks, stopReason: response.stopReason, createdAt: Date())])
        let text = response.blocks.compactMap { if case .text(let t, _) = $0 { t } else { nil } }.joined()
        if !text.isEmpty { events.publish(.textComplete(text)) }
        account(usage)
        noteBudgetUse()
    }

    /// A call's usage: the reported one, or an estimate (`TokenEstimate`) so budgets still bind, recorded as an
    /// estimate, never as zero tokens.
    func callUsage(_ response: ModelResponse, request: LLMRequest) -> Usage {
        response.usage ?? .unreported(estimated: TokenEstimate.call(request, response: response.blocks))
    }

    /// Adds a call's usage to the session and the token budget.
    func account(_ response: ModelResponse, request: LLMRequest) {
        account(callUsage(response, request: request))
    }

    /// Adds a call's usage to the session and the token budget.
    func account(_ usage: Usage) {
        session.usage += usage
        lifetimeTokens += usage.budgetedTokens
        events.publish(.usageUpdated(call: usage, session: session.usage))
    }

    /// The last assistant text of the main loop (for results).
    func lastAssistantText() -> String {
        for message in session.messages.reversed() {
            if let text = message.assistantText { return text }
        }
        return ""
    }

    func finish(
        _ state: RunState, terminal: TerminalCauseKind?, options: RunOptions, structured: JSONValue? = nil,
        extractionError: ExtractionError? = nil, text: String? = nil
    ) -> RunResult {
        let schemaRequired = (options.outputSchema ?? config.outputSchema) != nil && terminal == nil
        let result = RunResult(
            text: text ?? lastAssistantText(), sessionID: sessionID, usage: session.usage, turns: state.calls,
            toolCalls: state.toolCalls, terminalCauseKind: terminal, structuredOutput: structured,
            extractionError: extractionError)
        events.publish(
            .runCompleted(
                sessionID: sessionID, result: result.text, structuredOutput: structured,
                extractionRequired: schemaRequired, usage: session.usage, terminalCauseKind: terminal))
        return result
    }
}

// MARK: - CoreExecutor

extension Agent: CoreExecutor {
    public func apply(_ primitive: RunPrimitive, run: RunID, checkpoint: any RunCheckpoint)
        async throws(CoreExecutorError)
        -> CoreApplyOutput
    {
        await compactionTask?.value
        if stopped { throw .stopped }
        if current != nil { throw .applyFailed(kind: .runtimeTurn, message: "a run is already in progress") }
        switch primitive {
        case .immediateAppend(let append):
            commit([Self.message(for: append)])
            return output(for: primitive, terminal: .noResult)
        case .immediateContextAppend(let append):
            commit([Self.contextMessage(for: append)])
            return output(for: primitive, terminal: .noResult)
        case .stagedInput(let staged):
            if primitive.isContextOnlyImmediate {
                commit(staged.contextAppends.map(Self.contextMessage(for:)))
                return output(for: primitive, terminal: .noResult)
            }
            let kind = staged.turnMetadata?.executionKind ?? (staged.appends.isEmpty ? .resumePending : .contentTurn)
            let rows = staged.contextAppends.map(Self.contextMessage(for:)) + staged.appends.map(Self.message(for:))
            let options = RunOptions(runID: run, checkpoint: checkpoint, turnMetadata: staged.turnMetadata)
            let before = session.messages.count
            let contextBefore = session.activeContext
            let prepared: PreparedRun
            switch kind {
            case .resumePending:
                guard hasPendingWork || !rows.isEmpty else {
                    return output(for: primitive, terminal: .noPendingBoundary)
                }
                prepared = PreparedRun(descriptor: .pendingToolResults, rows: rows)
            case .contentTurn:
                prepared = PreparedRun(descriptor: .content(primitive.extractContentInput()), rows: rows)
            }
            do {
                let result = try await execute(prepared, options: options)
                return output(for: primitive, terminal: .runResult(result))
            } catch {
                if error.cause == .cancelled { throw .cancelled }
                if stopped { throw .stopped }
                // Nothing observable happened yet (no model output committed): undo the appended rows so a
                // replay does not duplicate them. Otherwise the failure is terminal for this attempt.
                if !session.messages[before...].contains(where: { if case .assistant = $0 { true } else { false } }) {
                    session.messages.removeSubrange(before...)
                    session.activeContext = contextBefore
                    throw .applyFailed(kind: .runtimeTurn, message: error.report.message)
                }
                return output(for: primitive, terminal: .machineTerminalFailure(error.report))
            }
        }
    }

    public func interrupt(run: RunID) async {
        cancel(run: run)
    }

    public func interruptYielding() async {
        yieldSignal.fire()
    }

    public func stop(reason: String) async {
        shutdown()
    }

    /// True when the transcript tail awaits a model response (tool results or user rows after the last answer).
    var hasPendingWork: Bool {
        guard let last = session.contextIndices.last.map({ session.messages[$0] }) else { return false }
        switch last {
        case .toolResults, .user, .systemNotice: return true
        case .assistant, .system: return false
        }
    }

    private func output(for primitive: RunPrimitive, terminal: CoreRunTerminal) -> CoreApplyOutput {
        CoreApplyOutput(
            receipt: RunBoundaryReceiptDraft(
                boundary: primitive.applyBoundary, contributingInputIDs: primitive.contributingInputIDs,
                messageCount: session.messages.count),
            terminal: terminal, session: session)
    }

    static func message(for append: ConversationAppend) -> Message {
        let now = Date()
        switch append.role {
        case .user: return .user(content: append.content.blocks, transcriptRole: .conversational, createdAt: now)
        case .injectedContext:
            return .user(content: append.content.blocks, transcriptRole: .injectedContext, createdAt: now)
        case .assistant:
            let text = append.content.blocks.map(\.textProjection).joined(separator: "\n")
            return .assistant(blocks: [.text(text: text, meta: nil)], stopReason: .endTurn, createdAt: now)
        case .system:
            return .system(content: append.content.blocks.map(\.textProjection).joined(separator: "\n"), createdAt: now)
        case .systemNotice, .tool:
            return .systemNotice(kind: .generic, blocks: append.content.blocks, createdAt: now)
        }
    }

    static func contextMessage(for append: ConversationContextAppend) -> Message {
        .systemNotice(kind: .generic, blocks: [.text("[\(append.key)]")] + append.content.blocks, createdAt: Date())
    }
}
