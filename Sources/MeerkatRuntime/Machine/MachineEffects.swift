public import Foundation
public import MeerkatCore

/// Everything one machine event decided must happen, as plain values (ARCHITECTURE.md rule 1). The session runtime
/// performs them in one order: the durable part in one store transaction, and only once that succeeded the machine's
/// next state is adopted and the in-memory part performed. The machine is the only author of every row listed here.
public struct MachineEffects: Sendable {
    /// Copy-on-write storage: a step's effects travel through several async frames, so the value stays one pointer.
    private var storage = Storage()

    /// No effects.
    public init() {}

    // MARK: Durable: written in one transaction before anything becomes visible

    /// Full input rows to write (the machine's facts and shell of each changed input).
    public var inputRows: [StoredInputState] {
        get { storage.inputRows }
        _modify { yield &unique().inputRows }
    }

    /// The lifecycle row, when the event changes or re-confirms the durable lifecycle.
    public var lifecycle: RuntimeLifecycleRow? {
        get { storage.lifecycle }
        _modify { yield &unique().lifecycle }
    }

    /// The boundary receipt the event commits.
    public var receipt: RunBoundaryReceipt? {
        get { storage.receipt }
        _modify { yield &unique().receipt }
    }

    /// The session snapshot committed with the boundary (a finished run's transcript).
    public var session: Session? {
        get { storage.session }
        _modify { yield &unique().session }
    }

    /// The routing row, when the event changed the routing state.
    public var routing: ModelRoutingState? {
        get { storage.routing }
        _modify { yield &unique().routing }
    }

    // MARK: In memory: performed after the commit

    /// Observability events to publish (RUNTIME.md §15).
    public var events: [RuntimeEventKind] {
        get { storage.events }
        _modify { yield &unique().events }
    }

    /// Completion waiters to resolve, in order. A waiter of a failed attempt learns about it even when the input
    /// goes back to its lane (RUNTIME.md §7.5).
    public var completions: [InputCompletion] {
        get { storage.completions }
        _modify { yield &unique().completions }
    }

    /// The post-admission signal (wake, interrupt-yielding).
    public var signal: AdmissionSignal {
        get { storage.signal }
        _modify { yield &unique().signal }
    }

    /// True when the run loop must look for work again (a live steer fell back to the queue).
    public var wake: Bool {
        get { storage.wake }
        _modify { yield &unique().wake }
    }

    /// The run to hand to the executor.
    public var startRun: StartRun? {
        get { storage.startRun }
        _modify { yield &unique().startRun }
    }

    /// Live steer contents to deliver into the running turn.
    public var steerContexts: [SteerContext] {
        get { storage.steerContexts }
        _modify { yield &unique().steerContexts }
    }

    /// The executor must be stopped with this reason (stop, destroy).
    public var stopExecutor: String? {
        get { storage.stopExecutor }
        _modify { yield &unique().stopExecutor }
    }

    /// The executor is handed off without a stop (teardown): nothing else runs on top of it.
    public var detachExecutor: Bool {
        get { storage.detachExecutor }
        _modify { yield &unique().detachExecutor }
    }

    /// The storage, copied first when another value shares it.
    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    /// The fields. `@unchecked Sendable` is safe: a `Storage` is only ever mutated through `unique()`, that is while
    /// exactly one `MachineEffects` value references it, so no instance is shared between a writer and anyone else;
    /// values that share an instance only read it.
    private final class Storage: @unchecked Sendable {
        var inputRows: [StoredInputState] = []
        var lifecycle: RuntimeLifecycleRow? = nil
        var receipt: RunBoundaryReceipt? = nil
        var session: Session? = nil
        var routing: ModelRoutingState? = nil
        var events: [RuntimeEventKind] = []
        var completions: [InputCompletion] = []
        var signal: AdmissionSignal = .none
        var wake: Bool = false
        var startRun: StartRun? = nil
        var steerContexts: [SteerContext] = []
        var stopExecutor: String? = nil
        var detachExecutor: Bool = false

        init() {}

        func copy() -> Storage {
            let copy = Storage()
            copy.inputRows = inputRows
            copy.lifecycle = lifecycle
            copy.receipt = receipt
            copy.session = session
            copy.routing = routing
            copy.events = events
            copy.completions = completions
            copy.signal = signal
            copy.wake = wake
            copy.startRun = startRun
            copy.steerContexts = steerContexts
            copy.stopExecutor = stopExecutor
            copy.detachExecutor = detachExecutor
            return copy
        }
    }

    /// An input whose waiters are resolved with `outcome`.
    public struct InputCompletion: Sendable, Hashable {
        public var inputID: InputID
        public var outcome: CompletionOutcome
    }

    /// A run to start: its id, the primitive for the executor and the batch it stages.
    public struct StartRun: Sendable, Hashable {
        public var runID: RunID
        public var primitive: RunPrimitive
        public var batch: RunBatch
    }

    /// True when the event must write something before it may be adopted.
    public var isDurable: Bool {
        !inputRows.isEmpty || lifecycle != nil || receipt != nil || session != nil || routing != nil
    }

    /// The store transaction of the durable part.
    public var commit: BoundaryCommit {
        BoundaryCommit(receipt: receipt, session: session, inputs: inputRows, lifecycle: lifecycle)
    }
}

/// One decided machine event: the value it answers, the effects to perform and the next state, not adopted yet.
/// `RuntimeMachine.adopt(_:)` installs the next state once the durable effects are written; a step that is never
/// adopted leaves the machine exactly as it was.
public struct MachineStep<Value: Sendable>: Sendable {
    /// What the event answers its caller (a settlement, a report, a decision, ...).
    public var value: Value
    /// What must happen.
    public var effects: MachineEffects
    let next: Next
    /// The generation of the machine the step was decided against.
    let base: UInt64

    indirect enum Next: Sendable {
        /// The whole next machine (events decided on a copy).
        case state(RuntimeMachine)
        /// An admission, decided without copying the machine (admission is the hot path and the queue may be long).
        case admission(RuntimeMachine.PendingAdmission)
        /// Nothing changes.
        case unchanged
    }
}
