import Foundation
public import MeerkatCore

/// The per-session runtime authority (RUNTIME.md §5, §7.3, §8, §9, §11.2): one pure value type that owns the
/// runtime state, every tracked input's facts, the idempotency map, batch selection, staging with the attempt
/// cap and recovery normalisation. It performs no I/O, reads no clock and holds no actor: the session runtime
/// feeds it observations and performs what it decides. Every illegal move is a typed `MachineGuardError`.
public struct RuntimeMachine: Sendable, Hashable {
    /// What the machine knows about one input.
    public struct InputFacts: Sendable, Hashable {
        public var kind: InputKind
        public var phase: InputLifecycleState
        /// The lane while queued (nil otherwise).
        public var lane: InputLane?
        /// The lane to return to on rollback.
        public var recoveryLane: InputLane
        public var attempts: Int
        /// Ordering token within a lane (smaller = earlier).
        public var admissionSequence: UInt64
        /// The last run the input was staged for (attribution, not a claim). A rollback that returns the input to its
        /// lane clears it; a rollback to a terminal phase keeps it.
        public var lastRunID: RunID?
        /// The receipt sequence that applied it.
        public var boundarySequence: UInt64?
        public var terminal: InputTerminalOutcome?
        public var semantics: RuntimeInputSemantics
        public var idempotencyKey: IdempotencyKey?
        public var supersession: SupersessionScope?
        /// The rest of the input's stored row: history, timestamps, admission snapshot, recorded completion and the
        /// payload (kept once, here). The machine is its only author. Boxed, so the facts stay small: copying the
        /// machine for a step and scanning the lanes never copy payloads.
        public var shell: InputState {
            get { boxedShell.value }
            _modify { yield &boxedShell.value }
        }
        private var boxedShell: CopyOnWrite<InputState>

        public init(
            kind: InputKind, phase: InputLifecycleState, lane: InputLane?, recoveryLane: InputLane, attempts: Int,
            admissionSequence: UInt64, lastRunID: RunID?, boundarySequence: UInt64?, terminal: InputTerminalOutcome?,
            semantics: RuntimeInputSemantics, idempotencyKey: IdempotencyKey?, supersession: SupersessionScope?,
            shell: InputState
        ) {
            self.kind = kind
            self.phase = phase
            self.lane = lane
            self.recoveryLane = recoveryLane
            self.attempts = attempts
            self.admissionSequence = admissionSequence
            self.lastRunID = lastRunID
            self.boundarySequence = boundarySequence
            self.terminal = terminal
            self.semantics = semantics
            self.idempotencyKey = idempotencyKey
            self.supersession = supersession
            self.boxedShell = CopyOnWrite(shell)
        }

        /// The machine-owned part of the stored row.
        public var seed: InputStateSeed {
            InputStateSeed(
                phase: phase, lastRunID: lastRunID, lastBoundarySequence: boundarySequence,
                admissionSequence: admissionSequence, terminalOutcome: terminal, attemptCount: attempts,
                recoveryLane: recoveryLane)
        }

        /// The input's full stored row, derived from these facts.
        public var row: StoredInputState {
            var state = shell
            state.runtimeSemantics = semantics
            state.idempotencyKey = idempotencyKey
            return StoredInputState(state: state, seed: seed)
        }

        var isPrompt: Bool { kind == .prompt }
    }

    /// The runtime this machine governs.
    public let runtimeID: LogicalRuntimeID
    /// Where the runtime is, with the data each place carries: a run's id, the state it returns to and its boundary
    /// counter exist exactly while it runs.
    public enum Phase: Sendable, Hashable {
        /// No run in progress; never `.running`.
        case resting(RuntimeState)
        /// A run in progress: it returns to `returnTo` when it ends; `boundaries` counts its boundary sequences (live
        /// checkpoints 1...n, terminal n+1).
        case running(run: RunID, returnTo: RuntimeState, boundaries: UInt64)
    }

    /// The runtime's phase.
    public internal(set) var phase: Phase = .resting(.initializing)

    /// The current runtime state.
    public var state: RuntimeState {
        if case .resting(let state) = phase { return state }
        return .running
    }

    /// The run in progress (only while `running`).
    public var currentRun: RunID? {
        if case .running(let run, _, _) = phase { return run }
        return nil
    }

    /// The state to return to when the current run ends (only while `running`).
    public var preRunPhase: RuntimeState? {
        if case .running(_, let returnTo, _) = phase { return returnTo }
        return nil
    }

    /// Boundary sequences minted by the current run (0 when none runs).
    public var boundaryCounter: UInt64 {
        if case .running(_, _, let boundaries) = phase { return boundaries }
        return 0
    }

    /// Facts of every tracked input (terminal ones until archived).
    public internal(set) var inputs: [InputID: InputFacts] = [:]
    /// Live idempotency bindings.
    public internal(set) var idempotency: [IdempotencyKey: InputID] = [:]
    /// Silent comms intents (RUNTIME.md §2.5).
    public var silentIntents: Set<String> = []
    var nextAdmissionSequence: UInt64 = 1
    /// The strongest post-admission signal not yet taken by the driver.
    public internal(set) var pendingSignal: AdmissionSignal = .none
    var pendingEvents: [RuntimeEventKind] = []
    /// What the event being decided inside a `step` touched (empty outside one; not part of the state).
    var journal = Transient<JournalRef?>(nil)
    /// Counts adopted steps, so a step is never adopted onto a machine it was not decided against.
    public internal(set) var generation: UInt64 = 0
    /// Model routing and LLM identity (RUNTIME.md §12–§14), persisted as its own row.
    public internal(set) var routing: ModelRoutingState {
        get { boxedRouting.value }
        set {
            boxedRouting = CopyOnWrite(newValue)
            markRoutingMove()
        }
        _modify {
            defer { markRoutingMove() }
            yield &boxedRouting.value
        }
    }
    private var boxedRouting = CopyOnWrite(ModelRoutingState())

    /// A machine in `initializing`.
    public init(runtimeID: LogicalRuntimeID) {
        self.runtimeID = runtimeID
    }

    // MARK: Queries

    /// The facts of an input.
    public func facts(_ id: InputID) -> InputFacts? { inputs[id] }

    /// Ids of non-terminal inputs in admission order.
    public var activeInputIDs: [InputID] {
        ordered { !$0.phase.isTerminal }
    }

    /// Queued inputs of a lane in order (admission sequence, ties by id).
    public func queued(_ lane: InputLane) -> [InputID] {
        ordered { $0.phase == .queued && $0.lane == lane }
    }

    /// True when any input is queued.
    public var hasQueuedInput: Bool { inputs.values.contains { $0.phase == .queued } }

    /// Ids of the inputs matching `predicate` in admission order (ties by id). Collects only the ordering keys: the
    /// facts are never copied.
    func ordered(where predicate: (InputFacts) -> Bool) -> [InputID] {
        var keys: [(sequence: UInt64, id: InputID)] = []
        for (id, facts) in inputs where predicate(facts) { keys.append((facts.admissionSequence, id)) }
        keys.sort { $0.sequence != $1.sequence ? $0.sequence < $1.sequence : $0.id < $1.id }
        return keys.map(\.id)
    }

    /// Takes (and clears) the accumulated post-admission signal of events called directly (outside `step`; the
    /// session runtime reads it from the step's effects).
    public mutating func takeSignal() -> AdmissionSignal {
        defer { pendingSignal = .none }
        return pendingSignal
    }

    /// Takes (and clears) the observability events of events called directly since the last call (outside `step`;
    /// the session runtime reads them from the step's effects).
    public mutating func takeEvents() -> [RuntimeEventKind] {
        defer { pendingEvents = [] }
        return pendingEvents
    }

    // MARK: Internal helpers

    /// Comes to rest in `new` (ending a run, if one was in progress), publishing the state change.
    mutating func setState(_ new: RuntimeState) {
        let old = state
        phase = .resting(new)
        if new != old { pendingEvents.append(.runtimeStateChanged(from: old, to: new)) }
    }

    /// Starts `run` from the current resting state.
    mutating func startRunning(_ run: RunID) {
        let old = state
        phase = .running(run: run, returnTo: old, boundaries: 0)
        pendingEvents.append(.runtimeStateChanged(from: old, to: .running))
    }

    /// Mints the next boundary sequence of `run`.
    mutating func mintBoundary(_ run: RunID) throws(MachineGuardError) -> UInt64 {
        guard case .running(let current, let returnTo, let boundaries) = phase, current == run else {
            throw .staleRun(expected: currentRun, got: run)
        }
        phase = .running(run: current, returnTo: returnTo, boundaries: boundaries + 1)
        return boundaries + 1
    }

    /// Changes the state the current run returns to (no-op when none runs).
    mutating func setReturnState(_ returnTo: RuntimeState) {
        if case .running(let run, _, let boundaries) = phase {
            phase = .running(run: run, returnTo: returnTo, boundaries: boundaries)
        }
    }

    mutating func mintSequence() -> UInt64 {
        defer { nextAdmissionSequence += 1 }
        return nextAdmissionSequence
    }

    mutating func move(_ id: InputID, to phase: InputLifecycleState) {
        guard let from = inputs[id]?.phase, from != phase else { return }
        touch(id)
        inputs[id]?.phase = phase
        pendingEvents.append(.inputStateTransitioned(id, from: from, to: phase))
    }

    /// Terminalises an input; the lane is left, the outcome and the public completion recorded (the classifier's
    /// default for `outcome` unless the event names one), and the input's waiters listed for resolution.
    mutating func terminalise(_ id: InputID, _ outcome: InputTerminalOutcome, completion: CompletionOutcome? = nil) {
        guard let facts = inputs[id], !facts.phase.isTerminal else { return }
        let recorded = completion ?? CompletionClassifier.outcome(forTerminal: outcome)
        inputs[id]?.lane = nil
        inputs[id]?.terminal = outcome
        inputs[id]?.shell.terminalCompletion = recorded
        notify(id, recorded)
        move(id, to: outcome.phase)
        switch outcome {
        case .consumed: pendingEvents.append(.inputConsumed(id, runID: facts.lastRunID))
        case .abandoned(let reason): pendingEvents.append(.inputAbandoned(id, reason: reason))
        case .coalesced(let aggregate): pendingEvents.append(.inputCoalesced(id, aggregateID: aggregate))
        case .superseded: break
        }
    }
}
