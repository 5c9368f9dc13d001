import Foundation
public import MeerkatCore

/// Everything one machine event decided must happen, as plain values (ARCHITECTURE.md rule 1). The session runtime
/// performs them in one order: the durable part in one store transaction, and only once that succeeded the machine's
/// next state is adopted and the in-memory part performed. The machine is the only author of every row listed here.
public struct MachineEffects: Sendable {
    /// No effects.
    public init() {}

    /// The effects behind one reference: a step is passed from the machine through the driver by value, and its
    /// effects are large (rows, run, session), so copies move a reference.
    private var fields = CopyOnWrite(Fields())

    private struct Fields: Sendable {
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
    }

    // MARK: Durable: written in one transaction before anything becomes visible

    /// Full input rows to write (the machine's facts and shell of each changed input).
    public var inputRows: [StoredInputState] {
        get { fields.value.inputRows }
        _modify { yield &fields.value.inputRows }
    }

    /// The lifecycle row, when the event changes or re-confirms the durable lifecycle.
    public var lifecycle: RuntimeLifecycleRow? {
        get { fields.value.lifecycle }
        _modify { yield &fields.value.lifecycle }
    }

    /// The boundary receipt the event commits.
    public var receipt: RunBoundaryReceipt? {
        get { fields.value.receipt }
        _modify { yield &fields.value.receipt }
    }

    /// The session snapshot committed with the boundary (a finished run's transcript).
    public var session: Session? {
        get { fields.value.session }
        _modify { yield &fields.value.session }
    }

    /// The routing row, when the event changed the routing state.
    public var routing: ModelRoutingState? {
        get { fields.value.routing }
        _modify { yield &fields.value.routing }
    }

    // MARK: In memory: performed after the commit

    /// Observability events to publish (RUNTIME.md §15).
    public var events: [RuntimeEventKind] {
        get { fields.value.events }
        _modify { yield &fields.value.events }
    }

    /// Completion waiters to resolve, in order. A waiter of a failed attempt learns about it even when the input
    /// goes back to its lane (RUNTIME.md §7.5).
    public var completions: [InputCompletion] {
        get { fields.value.completions }
        _modify { yield &fields.value.completions }
    }

    /// The post-admission signal (wake, interrupt-yielding).
    public var signal: AdmissionSignal {
        get { fields.value.signal }
        _modify { yield &fields.value.signal }
    }

    /// True when the run loop must look for work again (a live steer fell back to the queue).
    public var wake: Bool {
        get { fields.value.wake }
        _modify { yield &fields.value.wake }
    }

    /// The run to hand to the executor.
    public var startRun: StartRun? {
        get { fields.value.startRun }
        _modify { yield &fields.value.startRun }
    }

    /// Live steer contents to deliver into the running turn.
    public var steerContexts: [SteerContext] {
        get { fields.value.steerContexts }
        _modify { yield &fields.value.steerContexts }
    }

    /// The executor must be stopped with this reason (stop, destroy).
    public var stopExecutor: String? {
        get { fields.value.stopExecutor }
        _modify { yield &fields.value.stopExecutor }
    }

    /// The executor is handed off without a stop (teardown): nothing else runs on top of it.
    public var detachExecutor: Bool {
        get { fields.value.detachExecutor }
        _modify { yield &fields.value.detachExecutor }
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
        BoundaryCommit(receipt: receipt, session: session, inputs: inputRows, lifecycle: lifecycle, routing: routing)
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

    enum Next: Sendable {
        /// The whole next machine (events decided on a copy).
        case state(RuntimeMachine)
        /// An admission, decided without copying the machine (admission is the hot path and the queue may be long);
        /// boxed, as it is larger than the machine.
        indirect case admission(RuntimeMachine.PendingAdmission)
        /// Nothing changes.
        case unchanged
    }
}
