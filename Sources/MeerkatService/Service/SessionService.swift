import Foundation
public import Logging
public import MeerkatCore
public import MeerkatRuntime

/// How a caller names a session: full id, a unique prefix of it, or the most recently updated one.
public enum SessionSelector: Sendable, Hashable, CustomStringConvertible {
    case id(SessionID)
    case prefix(String)
    case last

    /// Parses `last`, a full UUID or a prefix.
    public init(_ text: String) {
        if text == "last" {
            self = .last
        } else if let id = SessionID(text) {
            self = .id(id)
        } else {
            self = .prefix(text.lowercased())
        }
    }

    public var description: String {
        switch self {
        case .id(let id): id.description
        case .prefix(let prefix): prefix
        case .last: "last"
        }
    }
}

/// A new session's settings.
public struct CreateSessionRequest: Sendable {
    public var intent: SessionIntent
    public var systemPrompt: SystemPromptOverride?
    /// Extra sections appended to the system prompt.
    public var instructions: [String]
    /// Makes creation idempotent: a second create with the same key returns the first session.
    public var creationKey: String?

    public init(
        intent: SessionIntent = SessionIntent(), systemPrompt: SystemPromptOverride? = nil, instructions: [String] = [],
        creationKey: String? = nil
    ) {
        self.intent = intent
        self.systemPrompt = systemPrompt
        self.instructions = instructions
        self.creationKey = creationKey
    }
}

/// A page of committed transcript.
public struct HistoryPage: Sendable, Hashable {
    public var messages: [Message]
    public var offset: Int
    public var total: Int
    public var hasMore: Bool { offset + messages.count < total }
}

/// The runtime-backed session service (AGENT.md §1.11, §7): every turn is an input admitted by the session's runtime,
/// so a turn started while another runs is queued (or steered), never refused.
public actor SessionService {
    public let registry: RuntimeRegistry
    public nonisolated let sessions: any SessionStore
    let factory: any AgentFactory
    public private(set) var config: MeerkatConfig
    let prompts: SystemPromptAssembler
    private var agents: [SessionID: Agent] = [:]
    /// External (client-provided) tools per session and provider; see `SessionService+ExternalTools.swift`.
    var externalTools: [SessionID: [ExternalToolProviderID: [ExternalTool]]] = [:]
    /// The external tool calls waiting for their clients; see `SessionService+Callbacks.swift`.
    nonisolated let callbackCalls = CallbackCallTracker()
    var pumps: [SessionID: SessionEventPump] = [:]
    private let leases: LeaseKeeper?
    /// The per-session event log (durable when the realm's store is).
    public nonisolated let eventLog: SessionEventLog
    /// Limits shared by every surface.
    public nonisolated let options: SessionServiceOptions
    /// Run and token counters of this process.
    public nonisolated let stats = SessionServiceStats()
    /// Session lifecycle and turns are logged here.
    let logger: Logger
    /// Resolves the blob images of loaded transcripts for each model request.
    let imageBlobs: (any ImageBlobResolving)?

    /// - Parameters:
    ///   - store: the runtime store, which also commits session snapshots.
    ///   - eventLog: the realm's event log store (in memory when nil).
    ///   - options: limits shared by every surface (queue limit, event log retention).
    ///   - imageBlobs: where image blob references of stored transcripts resolve (the realm's blob store).
    ///   - sessions: the session store reading the same sessions (for the in-memory and SQLite backends: the same
    ///     object or database as `store`).
    public init(
        store: any RuntimeStore, sessions: any SessionStore, factory: any AgentFactory, config: MeerkatConfig,
        prompts: SystemPromptAssembler, leasing: (any SessionLeasing)? = nil,
        logger: Logger = Logger(label: "meerkat.service"), eventLog: (any SessionEventLogStore)? = nil,
        options: SessionServiceOptions = SessionServiceOptions(), imageBlobs: (any ImageBlobResolving)? = nil
    ) {
        self.imageBlobs = imageBlobs
        self.logger = logger
        self.options = options
        self.eventLog = SessionEventLog(store: eventLog ?? InMemorySessionEventLogStore(), policy: options.eventLog)
        self.leases = leasing.map { LeaseKeeper(leasing: $0) }
        self.registry = RuntimeRegistry(store: store)
        self.sessions = sessions
        self.factory = factory
        self.config = config
        self.prompts = prompts
    }

    /// Replaces the configuration used for sessions made live from now on.
    public func updateConfig(_ config: MeerkatConfig) {
        self.config = config
    }

    // MARK: Sessions

    /// Creates a session: validates the intent, assembles the system prompt, persists the session and makes it live.
    public func createSession(_ request: CreateSessionRequest) async throws(ServiceError) -> SessionID {
        if let key = request.creationKey, let existing = try await session(creationKey: key) {
            _ = try await live(existing)
            return existing
        }
        try request.intent.validate()
        let prompt: String?
        do {
            prompt = try prompts.assemble(
                config: config, override: request.systemPrompt, instructions: request.instructions)
        } catch {
            throw .config(error)
        }
        var metadata: [String: JSONValue] = [:]
        do {
            metadata[Session.intentKey] = try WireJSON.toJSONValue(request.intent)
        } catch {
            throw .invalidRequest(field: "intent", message: "\(error)")
        }
        if !request.intent.labels.isEmpty {
            metadata["labels"] = .object(request.intent.labels.mapValues(JSONValue.string))
        }
        if let key = request.creationKey { metadata[Self.creationKeyMetadata] = .string(key) }
        if let model = factory.resolvedModel(intent: request.intent, config: config) {
            metadata[SessionSummary.modelKey] = .string(model)
        }
        let session = Session(
            messages: prompt.map { [.system(content: $0, createdAt: Date())] } ?? [], metadata: metadata)
        // Build the agent first: an unknown model or a missing key fails before anything is stored.
        let agent = try await factory.makeAgent(for: session, intent: request.intent, config: config)
        // Where the lease store keeps the sessions too, the session and its lease are one write.
        if try await !holdLease(creating: session) {
            do {
                try await sessions.save(session)
            } catch {
                throw .store(error.description)
            }
            try await holdLease(session.id)
        }
        try await attach(agent, to: session.id, newSession: true)
        logger.info("session created", metadata: ["session": .string(session.id.description)])
        return session.id
    }

    /// Metadata key recording the creation key of a session.
    public static let creationKeyMetadata = "creation_key"

    /// The session created with `key`, if any.
    public func session(creationKey key: String) async throws(ServiceError) -> SessionID? {
        try await listSessions(SessionQuery(includeArchived: true, limit: .max))
            .first { $0.metadata[Self.creationKeyMetadata]?.stringValue == key }?.id
    }

    /// Resolves a selector to a session id.
    public func resolve(_ selector: SessionSelector) async throws(ServiceError) -> SessionID {
        switch selector {
        case .id(let id):
            guard try await exists(id) else { throw .sessionNotFound(id.description) }
            return id
        case .last:
            guard let meta = try await listSessions(SessionQuery(limit: 1)).first else {
                throw .sessionNotFound("last")
            }
            return meta.id
        case .prefix(let prefix):
            guard !prefix.isEmpty else { throw .sessionNotFound(prefix) }
            let matches = try await listSessions(SessionQuery(includeArchived: true, limit: .max)).map(\.id)
                .filter { $0.description.hasPrefix(prefix) }
            guard let first = matches.first else { throw .sessionNotFound(prefix) }
            guard matches.count == 1 else { throw .ambiguousSessionPrefix(prefix: prefix, matches: matches) }
            return first
        }
    }

    /// Reads the word after a bare `--resume`: the session it names when it is `last`, a full id or an id prefix of
    /// at least 6 characters that resolves to exactly one session; nil when it is ordinary prompt text. A word that
    /// looks like a session id (a UUID, or 8 or more hex digits and dashes) but names no single session is an error,
    /// so a prompt never goes to a session the user did not name.
    public func resumeTarget(_ word: String) async throws(ServiceError) -> SessionID? {
        let selector = SessionSelector(word)
        switch selector {
        case .last: return try await resolve(.last)
        case .prefix(let prefix) where prefix.count < 6 || !prefix.allSatisfy({ $0.isHexDigit || $0 == "-" }):
            return nil
        default: break
        }
        do {
            return try await resolve(selector)
        } catch {
            if Self.looksLikeSessionID(word) { throw error }
            return nil
        }
    }

    /// A full UUID, or 8 or more characters of hex digits and dashes with at least one digit.
    static func looksLikeSessionID(_ word: String) -> Bool {
        if SessionID(word) != nil { return true }
        let hex = word.lowercased()
        return hex.count >= 8 && hex.allSatisfy { $0.isHexDigit || $0 == "-" } && hex.contains(where: \.isNumber)
    }

    /// Makes a stored session live (recovering its runtime) and returns its id.
    @discardableResult
    public func resume(_ selector: SessionSelector) async throws(ServiceError) -> SessionID {
        let id = try await resolve(selector)
        _ = try await live(id)
        return id
    }

    /// The session's runtime, registering it (and building its agent) when it is not live yet.
    public func live(_ id: SessionID) async throws(ServiceError) -> SessionRuntime {
        if agents[id] != nil {
            do {
                return try await registry.runtime(id)
            } catch {
                throw .runtime(error)
            }
        }
        // Only one process runs a session: take its lease before recovery writes anything.
        try await holdLease(id)
        // Recovery first: it may close a durable tail, which the agent must see.
        let runtime: SessionRuntime
        do {
            runtime = try await registry.register(session: id).0
        } catch {
            throw .runtime(error)
        }
        guard let session = try await loadSession(id) else { throw .sessionNotFound(id.description) }
        let agent = try await factory.makeAgent(for: session, intent: session.intent, config: config)
        try await attach(agent, to: id)
        return runtime
    }

    /// - Parameter newSession: the session was created by this call a moment ago; its runtime opens without reading.
    private func attach(_ agent: Agent, to id: SessionID, newSession: Bool = false) async throws(ServiceError) {
        agents[id] = agent
        if let imageBlobs { await agent.setImageBlobResolver(imageBlobs) }
        if let external = externalTools[id] { await agent.setExternalTools(Self.merged(external)) }
        // Routing is wired before the executor is attached: a recovered input must not run unrouted.
        let runtime: SessionRuntime
        do {
            runtime = try await registry.register(session: id, newSession: newSession).0
        } catch {
            agents.removeValue(forKey: id)
            throw .runtime(error)
        }
        do {
            try await installRouting(agent, runtime: runtime, session: id)
        } catch {
            agents.removeValue(forKey: id)
            throw error
        }
        do {
            try await registry.register(session: id, executor: agent)
        } catch {
            agents.removeValue(forKey: id)
            throw .runtime(error)
        }
        pumps.removeValue(forKey: id)?.stop()
        pumps[id] = startEventPump(id, agent: agent, runtime: try? await registry.runtime(id))
    }

    /// The agent of a session when it is live, without making it live.
    func liveAgent(_ id: SessionID) -> Agent? { agents[id] }

    /// Hydrates the runtime's LLM identity (first time only; afterwards the stored one is the authority), installs
    /// the reconfigure host and the agent's per-turn router. Without a resolver the agent keeps its own client.
    private func installRouting(_ agent: Agent, runtime: SessionRuntime, session id: SessionID)
        async throws(ServiceError)
    {
        guard let modelResolver = factory.modelResolver else { return }
        let intent = await agent.session.intent
        // A session with an ad-hoc `--base-url` server resolves through a resolver that knows that server.
        let resolver = modelResolver.scoped(to: intent, config: config)
        let initial = try resolver.initialIdentity(intent: intent, config: config)
        do {
            try await runtime.hydrateIdentity(initial)
        } catch {
            throw .runtime(error)
        }
        await runtime.installReconfigureHost(
            ServiceReconfigureHost(
                sessionID: id, agent: agent, resolver: resolver, config: config, sessions: sessions,
                discard: { [weak self] in await self?.discardLive(id) }))
        await agent.setRouter(ServiceTurnRouter(runtime: runtime, resolver: resolver, config: config))
        // A stored identity that differs from the intent (a reconfiguration committed mid-run before a crash)
        // wins: the live tool set follows it.
        if let stored = await runtime.routing.identity, stored.model != initial.identity.model {
            // Best effort: without it the agent keeps the intent's tool set until the next reconfiguration.
            if let tools = try? await resolver.tools(intent: intent, config: config, model: stored.model) {
                await agent.stageTools(tools)
            }
        }
    }

    /// Drops a live session whose rollback failed; the next use rebuilds it from durable state.
    func discardLive(_ id: SessionID) async {
        Task { await self.unregister(id) }
    }

    /// The live agent of a session (for event subscriptions).
    public func agent(_ id: SessionID) async throws(ServiceError) -> Agent {
        _ = try await live(id)
        guard let agent = agents[id] else { throw .sessionNotFound(id.description) }
        return agent
    }

    /// Changes a session's intent (model, budgets, tools, schema, ...): persisted, and the agent is rebuilt from it
    /// for the next turn. Refused while a turn is running.
    public func updateIntent(_ id: SessionID, _ change: (inout SessionIntent) -> Void) async throws(ServiceError) {
        guard var session = try await loadSession(id) else { throw .sessionNotFound(id.description) }
        var intent = session.intent
        change(&intent)
        try intent.validate(creating: false)
        if agents[id] != nil, let runtime = try? await registry.runtime(id), await runtime.state == .running {
            throw .invalidRequest(field: "session", message: "a turn is running; change settings when it is idle")
        }
        do {
            session.metadata[Session.intentKey] = try WireJSON.toJSONValue(intent)
        } catch {
            throw .invalidRequest(field: "intent", message: "\(error)")
        }
        if !intent.labels.isEmpty { session.metadata["labels"] = .object(intent.labels.mapValues(JSONValue.string)) }
        if let model = factory.resolvedModel(intent: intent, config: config) {
            session.metadata[SessionSummary.modelKey] = .string(model)
        }
        session.updatedAt = Date()
        // Build first: a bad model or a missing key leaves the session unchanged.
        let agent = try await factory.makeAgent(for: session, intent: intent, config: config)
        try await saveAndRebuild(session)
        _ = agent
    }

    // MARK: Turns

    /// Starts a turn by admitting a prompt: queued behind a running turn, or steered into it with `.steer`.
    public func startTurn(
        _ id: SessionID, prompt: ContentInput, handling: HandlingMode = .queue, idempotencyKey: String? = nil,
        injectedContext: [ContentInput] = [], turnMetadata: RuntimeTurnMetadata? = nil
    ) async throws(ServiceError) -> (AcceptOutcome, CompletionHandle?) {
        var metadata = turnMetadata ?? RuntimeTurnMetadata()
        if handling == .steer { metadata.handlingMode = .steer }
        let input = Input.prompt(
            PromptInput(
                header: InputHeader(idempotencyKey: idempotencyKey.map { IdempotencyKey($0) }), content: prompt,
                injectedContext: injectedContext, turnMetadata: metadata == RuntimeTurnMetadata() ? nil : metadata))
        return try await accept(input, session: id)
    }

    /// Admits any typed input to a session's runtime and returns a completion handle when it is still pending.
    public func accept(_ input: Input, session id: SessionID) async throws(ServiceError) -> (
        AcceptOutcome, CompletionHandle?
    ) {
        _ = try await live(id)
        try await checkQueueLimit(input, session: id)
        do {
            let accepted = try await registry.acceptInputWithCompletion(input, session: id)
            logger.debug(
                "input admitted",
                metadata: [
                    "session": .string(id.description),
                    "input": .string(accepted.0.effectiveInputID?.description ?? "none"),
                    "deduplicated": .stringConvertible(accepted.0.isDeduplicated),
                ])
            return accepted
        } catch {
            logger.notice(
                "input refused", metadata: ["session": .string(id.description), "error": .string("\(error)")])
            throw .runtime(error)
        }
    }

    /// Waits for an input's outcome (the recorded one if it already finished).
    public func waitForCompletion(_ id: SessionID, input: InputID) async throws(ServiceError) -> CompletionOutcome {
        let runtime = try await live(id)
        do {
            if let outcome = try await runtime.inputTerminalCompletion(input) { return outcome }
        } catch {
            throw .runtime(error)
        }
        do {
            let outcome = try await CompletionHandle.waiting(on: input, runtime: runtime).wait()
            logger.debug(
                "input finished",
                metadata: [
                    "session": .string(id.description), "input": .string(input.description),
                    "completion": .string(outcome.completionType),
                ])
            return outcome
        } catch {
            throw .runtime(.internal("completion wait failed: \(error)"))
        }
    }

    /// Hard-interrupts the session's current run (a no-op when idle).
    public func interrupt(_ id: SessionID) async throws(ServiceError) -> InterruptResult {
        guard try await exists(id) else { throw .sessionNotFound(id.description) }
        guard agents[id] != nil, let runtime = try? await registry.runtime(id) else { return .interrupted }
        return await runtime.interrupt()
    }

    /// The stored row of an input.
    public func inputStatus(_ id: SessionID, input: InputID) async throws(ServiceError) -> StoredInputState? {
        do {
            return try await registry.inputState(input, session: id)
        } catch {
            throw .runtime(error)
        }
    }

    // MARK: Reading

    /// The committed session.
    public func loadSession(_ id: SessionID) async throws(ServiceError) -> Session? {
        do {
            return try await sessions.load(id)
        } catch {
            throw .store(error.description)
        }
    }

    /// The list view of one session.
    public func meta(_ id: SessionID) async throws(ServiceError) -> SessionMeta {
        do {
            guard let meta = try await sessions.loadMeta(id) else { throw ServiceError.sessionNotFound(id.description) }
            return meta
        } catch let error as ServiceError {
            throw error
        } catch {
            throw .store("\(error)")
        }
    }

    /// A page of the committed transcript, oldest first.
    public func history(_ id: SessionID, offset: Int = 0, limit: Int = 100) async throws(ServiceError) -> HistoryPage {
        guard offset >= 0 else { throw .invalidRequest(field: "offset", message: "must be 0 or more") }
        guard limit >= 1 else { throw .invalidRequest(field: "limit", message: "must be at least 1") }
        guard let session = try await loadSession(id) else { throw .sessionNotFound(id.description) }
        let slice = session.messages.dropFirst(offset).prefix(limit)
        return HistoryPage(messages: Array(slice), offset: offset, total: session.messages.count)
    }

    /// Sessions matching the query, newest first.
    public func listSessions(_ query: SessionQuery = SessionQuery()) async throws(ServiceError) -> [SessionMeta] {
        do {
            return try await sessions.list(query)
        } catch {
            throw .store(error.description)
        }
    }

    /// Subscribes to a session's agent events (making it live).
    public func events(_ id: SessionID) async throws(ServiceError) -> AsyncStream<EventEnvelope> {
        try await agent(id).events.subscribe()
    }

    /// Subscribes to a session's runtime events: input lifecycle, runs and runtime state (making it live).
    public func runtimeEvents(_ id: SessionID) async throws(ServiceError) -> AsyncStream<RuntimeEvent> {
        try await live(id).events.subscribe()
    }

    /// The sequence number of the last agent event a session published (0 before any).
    public func lastEventSeq(_ id: SessionID) async throws(ServiceError) -> UInt64 {
        try await agent(id).events.lastSeq
    }

    // MARK: Lifecycle

    /// Sessions matching the query with their titles, newest first.
    public func summaries(_ query: SessionQuery = SessionQuery()) async throws(ServiceError) -> [SessionSummary] {
        var out: [SessionSummary] = []
        for meta in try await listSessions(query) {
            out.append(SessionSummary(meta: meta, title: try await title(of: meta)))
        }
        return out
    }

    /// The summary of one session.
    public func summary(_ id: SessionID) async throws(ServiceError) -> SessionSummary {
        let meta = try await meta(id)
        return SessionSummary(meta: meta, title: try await title(of: meta))
    }

    /// The stored title, else the first line of the first prompt.
    private func title(of meta: SessionMeta) async throws(ServiceError) -> String? {
        if let title = meta.metadata[SessionSummary.titleKey]?.stringValue { return title }
        return try await loadSession(meta.id).flatMap { SessionSummary.defaultTitle($0.messages) }
    }

    /// Sets a session's title (an empty title restores the default). Refused while a turn is running here.
    public func rename(_ id: SessionID, title: String) async throws(ServiceError) {
        let trimmed = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.contains(where: \.isNewline) else {
            throw .invalidRequest(field: "title", message: "must be one line")
        }
        guard trimmed.count <= 200 else {
            throw .invalidRequest(field: "title", message: "must be at most 200 characters, got \(trimmed.count)")
        }
        guard var session = try await loadSession(id) else { throw .sessionNotFound(id.description) }
        if agents[id] != nil, let runtime = try? await registry.runtime(id), await runtime.state == .running {
            throw .invalidRequest(field: "session", message: "a turn is running; rename it when it is idle")
        }
        session.metadata[SessionSummary.titleKey] = trimmed.isEmpty ? nil : .string(trimmed)
        session.updatedAt = Date()
        try await saveAndRebuild(session)
    }

    /// Saves a changed session and, when it is live, rebuilds its agent and runtime: a live agent holds the old
    /// session and would write it back with its next turn.
    private func saveAndRebuild(_ session: Session) async throws(ServiceError) {
        do {
            try await sessions.save(session)
        } catch {
            throw .store(error.description)
        }
        if agents[session.id] != nil {
            await registry.unregister(session: session.id)
            agents.removeValue(forKey: session.id)
            _ = try await live(session.id)
        }
    }

    /// The transcript as JSON or Markdown.
    public func export(_ id: SessionID, format: TranscriptExport.Format) async throws(ServiceError) -> String {
        guard let session = try await loadSession(id) else { throw .sessionNotFound(id.description) }
        let title =
            session.metadata[SessionSummary.titleKey]?.stringValue ?? SessionSummary.defaultTitle(session.messages)
        return try TranscriptExport.render(session, title: title, format: format)
    }

    /// Lists an archived session again.
    public func unarchive(_ id: SessionID) async throws(ServiceError) {
        guard try await exists(id) else { throw .sessionNotFound(id.description) }
        do {
            try await sessions.unarchive(id)
        } catch {
            throw .store(error.description)
        }
    }

    /// Archives a session: it leaves default listings and its runtime stops; history is kept.
    public func archive(_ id: SessionID) async throws(ServiceError) {
        guard try await exists(id) else { throw .sessionNotFound(id.description) }
        await unregister(id)
        do {
            try await sessions.archive(id)
        } catch {
            throw .store(error.description)
        }
    }

    /// Deletes a session and its history.
    public func delete(_ id: SessionID) async throws(ServiceError) {
        guard try await exists(id) else { throw .sessionNotFound(id.description) }
        await unregister(id)
        do {
            try await sessions.delete(id)
            try await eventLog.store.delete(session: id)
        } catch {
            throw .store(error.description)
        }
        await eventLog.finish(session: id)
    }

    /// Unregisters every live session (waiters resolve `runtime_terminated`).
    /// Event pumps are drained, so every event published before the shutdown is in the event log.
    public func shutdown() async {
        let draining = Array(pumps.values)
        for id in Array(agents.keys) { await unregister(id) }
        for pump in draining {
            pump.stop()
            await pump.drained()
        }
    }

    func unregister(_ id: SessionID) async {
        await registry.unregister(session: id)
        agents.removeValue(forKey: id)
        pumps.removeValue(forKey: id)?.stop()
        await leases?.release(id)
    }

    private func holdLease(_ id: SessionID) async throws(ServiceError) {
        guard let leases else { return }
        do {
            try await leases.hold(id) { [weak self] in await self?.leaseLost(id) }
        } catch {
            throw .runtime(SessionRuntime.driverError(error))
        }
    }

    /// Takes the lease of a new session and saves the session with it, when the lease store can (see
    /// `SessionLeasing.acquire(creating:owner:ttl:sessions:)`); false, with nothing done, otherwise.
    private func holdLease(creating session: Session) async throws(ServiceError) -> Bool {
        guard let leases else { return false }
        let id = session.id
        do {
            return try await leases.hold(creating: session, sessions: sessions) { [weak self] in
                await self?.leaseLost(id)
            }
        } catch {
            // A refused lease is the runtime's answer, as from `holdLease(_:)`; any other failure is the write's.
            if case .ownedElsewhere = error { throw .runtime(SessionRuntime.driverError(error)) }
            throw .store(error.description)
        }
    }

    /// Another process took the session over: stop running it here.
    private func leaseLost(_ id: SessionID) async {
        await registry.unregister(session: id)
        agents.removeValue(forKey: id)
        pumps.removeValue(forKey: id)?.stop()
    }

    /// Refuses an input when the session already holds `options.maxActiveInputsPerSession` non-terminal inputs;
    /// a retry of an input already admitted (same idempotency key) is never refused, so it can deduplicate.
    private func checkQueueLimit(_ input: Input, session id: SessionID) async throws(ServiceError) {
        guard let limit = options.maxActiveInputsPerSession else { return }
        let active: Int
        do {
            active = try await registry.listActiveInputs(session: id).count
        } catch {
            throw .runtime(error)
        }
        guard active >= limit else { return }
        if let key = input.header.idempotencyKey,
            (try? await registry.inputStateByIdempotencyKey(key, session: id)) != nil
        {
            return
        }
        throw .queueFull(session: id, limit: limit, retryAfterSeconds: options.queueFullRetryAfterSeconds)
    }

    /// Number of sessions live in this process.
    public var liveSessionCount: Int { agents.count }

    /// The sessions live in this process.
    var liveSessionIDs: [SessionID] { Array(agents.keys) }

    func sessionExists(_ id: SessionID) async throws(ServiceError) -> Bool {
        try await exists(id)
    }

    private func exists(_ id: SessionID) async throws(ServiceError) -> Bool {
        do {
            return try await sessions.exists(id)
        } catch {
            throw .store(error.description)
        }
    }
}

extension CompletionHandle {
    /// A handle on an input of a runtime (for callers that only kept the input id).
    static func waiting(on input: InputID, runtime: SessionRuntime) -> CompletionHandle {
        runtime.handle(for: input)
    }
}
