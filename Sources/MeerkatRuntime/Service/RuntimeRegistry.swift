public import Foundation
public import MeerkatCore

/// The machine facade: one `SessionRuntime` per registered session over one `RuntimeStore`, implementing
/// `SessionServiceRuntimeExt`. A `Rejected` admission surfaces as `validationFailed` here (only the raw
/// `SessionRuntime.accept` returns `.rejected`).
public actor RuntimeRegistry: SessionServiceRuntimeExt {
    public let store: any RuntimeStore
    private var runtimes: [SessionID: SessionRuntime] = [:]
    /// Sessions that were registered at some point in this process (to tell `not_ready` from `not_found`).
    private var everRegistered: Set<SessionID> = []
    private let now: @Sendable () -> Date

    public init(store: any RuntimeStore = InMemoryRuntimeStore(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.now = now
    }

    /// Registers a session (recovering its durable rows) and attaches an executor when given.
    @discardableResult
    public func register(session: SessionID, executor: (any CoreExecutor)? = nil, newSession: Bool = false)
        async throws(RuntimeDriverError) -> (SessionRuntime, RecoveryReport)
    {
        if let existing = runtimes[session] {
            if let executor { try await existing.attach(executor) }
            return (existing, RecoveryReport())
        }
        let (runtime, report) = try await SessionRuntime.open(
            session: session, store: store, newSession: newSession, now: now)
        runtimes[session] = runtime
        everRegistered.insert(session)
        if let executor { try await runtime.attach(executor) }
        return (runtime, report)
    }

    /// Unregisters a session: waiters resolve `runtime_terminated("runtime session unregistered")`.
    public func unregister(session: SessionID) async {
        guard let runtime = runtimes.removeValue(forKey: session) else { return }
        await runtime.unregister()
    }

    /// The live runtime of a session.
    public func runtime(_ session: SessionID) throws(RuntimeDriverError) -> SessionRuntime {
        guard let runtime = runtimes[session] else { throw .notFound(runtimeID: .session(session)) }
        return runtime
    }

    public func acceptInput(_ input: Input, session: SessionID) async throws(RuntimeDriverError) -> AcceptOutcome {
        try await acceptInputWithCompletion(input, session: session, wantsCompletion: false).0
    }

    public func acceptInputWithCompletion(_ input: Input, session: SessionID) async throws(RuntimeDriverError)
        -> (AcceptOutcome, CompletionHandle?)
    {
        try await acceptInputWithCompletion(input, session: session, wantsCompletion: true)
    }

    /// Accepts without waking the loop (RUNTIME.md §3.5): the input waits for the next natural wake.
    public func acceptInputWithoutWake(_ input: Input, session: SessionID) async throws(RuntimeDriverError)
        -> AcceptOutcome
    {
        let (outcome, _) = try await runtime(session).accept(input, withoutWake: true)
        if case .rejected(let reason) = outcome { throw .rejected(reason) }
        return outcome
    }

    private func acceptInputWithCompletion(_ input: Input, session: SessionID, wantsCompletion: Bool)
        async throws(RuntimeDriverError) -> (AcceptOutcome, CompletionHandle?)
    {
        let (outcome, handle) = try await runtime(session).accept(input, wantsCompletion: wantsCompletion)
        if case .rejected(let reason) = outcome { throw .rejected(reason) }
        return (outcome, handle)
    }

    public func runtimeState(session: SessionID) async throws(RuntimeDriverError) -> RuntimeState {
        try await runtime(session).state
    }

    public func retireRuntime(session: SessionID) async throws(RuntimeDriverError) -> RetireReport {
        try await runtime(session).retire()
    }

    public func resetRuntime(session: SessionID) async throws(RuntimeDriverError) -> ResetReport {
        try await runtime(session).reset()
    }

    /// Stops a session's executor (RUNTIME.md §10).
    public func stopRuntimeExecutor(session: SessionID, reason: String = "runtime stopped")
        async throws(RuntimeDriverError)
    {
        try await runtime(session).stopRuntimeExecutor(reason: reason)
    }

    /// Destroys a session's runtime.
    public func destroyRuntime(session: SessionID) async throws(RuntimeDriverError) -> DestroyReport {
        try await runtime(session).destroy()
    }

    public func inputState(_ input: InputID, session: SessionID) async throws(RuntimeDriverError) -> StoredInputState? {
        if let runtime = runtimes[session] { return try await runtime.inputState(input) }
        do {
            return try await store.loadInput(.session(session), input)
        } catch {
            throw SessionRuntime.driverError(error)
        }
    }

    public func listActiveInputs(session: SessionID) async throws(RuntimeDriverError) -> [InputID] {
        try await runtime(session).listActiveInputs()
    }

    public func inputStateByIdempotencyKey(_ key: IdempotencyKey, session: SessionID) async throws(RuntimeDriverError)
        -> StoredInputState?
    {
        if let runtime = runtimes[session] { return try await runtime.inputState(idempotencyKey: key) }
        do {
            return try await store.loadInput(.session(session), idempotencyKey: key)
        } catch {
            throw SessionRuntime.driverError(error)
        }
    }

    public func inputTerminalCompletion(_ input: InputID, session: SessionID) async throws(RuntimeDriverError)
        -> CompletionOutcome?
    {
        try await runtime(session).inputTerminalCompletion(input)
    }

    public func interactionTerminalStatus(session: SessionID, _ selector: InteractionSelector)
        async throws(RuntimeDriverError)
        -> InteractionTerminalStatus?
    {
        let live = runtimes[session]
        if live == nil, !everRegistered.contains(session) {
            throw .notFound(runtimeID: .session(session))
        }
        let row: StoredInputState?
        switch selector {
        case .inputID(let id): row = try await inputState(id, session: session)
        case .idempotencyKey(let key): row = try await inputStateByIdempotencyKey(key, session: session)
        }
        guard let row else { return nil }
        let liveIDs = await live?.listActiveInputs() ?? []
        return InteractionTerminalStatus(
            source: liveIDs.contains(row.inputID) ? .liveRuntime : .durableStore, inputID: row.inputID,
            phase: row.phase,
            terminal: row.seed.terminalOutcome, resolvingRunID: row.seed.lastRunID, attemptCount: row.seed.attemptCount,
            idempotencyKey: row.state.idempotencyKey, updatedAt: row.state.updatedAt)
    }

    public func runTerminalStatus(session: SessionID, run: RunID) async throws(RuntimeDriverError) -> RunTerminalStatus
    {
        if runtimes[session] == nil, !everRegistered.contains(session) { throw .notFound(runtimeID: .session(session)) }
        let rows: [StoredInputState]
        do {
            rows = try await store.loadInputs(.session(session))
        } catch {
            throw SessionRuntime.driverError(error)
        }
        let witnesses = rows.filter { $0.seed.lastRunID == run }
            .sorted { ($0.seed.admissionSequence ?? 0) < ($1.seed.admissionSequence ?? 0) }
        guard !witnesses.isEmpty else { return .noDurableWitness }
        if witnesses.contains(where: { !$0.isTerminal }) { return .inFlight }
        if witnesses.contains(where: { $0.phase == .consumed }) { return .resolvedConsumed }
        if let reason = witnesses.compactMap(\.seed.terminalOutcome?.abandonReason).first {
            return .resolvedAbandoned(reason)
        }
        return .resolvedDisplaced
    }
}
