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
        /// payload (kept once, here). The machine is its only author.
        public var shell: InputState

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
    public internal(set) var state: RuntimeState = .initializing
    /// The run in progress (only while `running`).
    public internal(set) var currentRun: RunID?
    /// The state to return to when the current run ends.
    public internal(set) var preRunPhase: RuntimeState?
    /// Facts of every tracked input (terminal ones until archived).
    public internal(set) var inputs: [InputID: InputFacts] = [:]
    /// Live idempotency bindings.
    public internal(set) var idempotency: [IdempotencyKey: InputID] = [:]
    /// Silent comms intents (RUNTIME.md §2.5).
    public var silentIntents: Set<String> = []
    var nextAdmissionSequence: UInt64 = 1
    /// Per-run boundary counter: live checkpoints 1...n, terminal n+1.
    public internal(set) var boundaryCounter: UInt64 = 0
    /// The strongest post-admission signal not yet taken by the driver.
    public internal(set) var pendingSignal: AdmissionSignal = .none
    var pendingEvents: [RuntimeEventKind] = []
    /// What the event being decided inside a `step` touched (empty outside one; not part of the state).
    var journal = Transient(Journal())
    /// Counts adopted steps, so a step is never adopted onto a machine it was not decided against.
    public internal(set) var generation: UInt64 = 0
    /// Model routing and LLM identity (RUNTIME.md §12–§14), persisted as its own row.
    public internal(set) var routing = ModelRoutingState()

    /// A machine in `initializing`.
    public init(runtimeID: LogicalRuntimeID) {
        self.runtimeID = runtimeID
    }

    // MARK: Queries

    /// The facts of an input.
    public func facts(_ id: InputID) -> InputFacts? { inputs[id] }

    /// Ids of non-terminal inputs in admission order.
    public var activeInputIDs: [InputID] {
        inputs.filter { !$0.value.phase.isTerminal }.sorted { Self.order($0, $1) }.map(\.key)
    }

    /// Queued inputs of a lane in order (admission sequence, ties by id).
    public func queued(_ lane: InputLane) -> [InputID] {
        inputs.filter { $0.value.phase == .queued && $0.value.lane == lane }.sorted { Self.order($0, $1) }.map(\.key)
    }

    /// True when any input is queued.
    public var hasQueuedInput: Bool { inputs.values.contains { $0.phase == .queued } }

    static func order(_ lhs: (key: InputID, value: InputFacts), _ rhs: (key: InputID, value: InputFacts)) -> Bool {
        if lhs.value.admissionSequence != rhs.value.admissionSequence {
            return lhs.value.admissionSequence < rhs.value.admissionSequence
        }
        return lhs.key < rhs.key
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

    mutating func setState(_ new: RuntimeState) {
        guard new != state else { return }
        pendingEvents.append(.runtimeStateChanged(from: state, to: new))
        state = new
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
