public import Foundation
public import MeerkatCore

/// A value carried beside the machine's state that is not part of it: equal and hashed as nothing, so two machines
/// in the same state compare equal whatever an unfinished step recorded.
struct Transient<Value: Sendable>: Sendable, Hashable {
    var value: Value

    init(_ value: Value) { self.value = value }

    static func == (lhs: Transient, rhs: Transient) -> Bool { true }
    func hash(into hasher: inout Hasher) {}
}

/// What the event being decided inside `RuntimeMachine.step` touched, turned into `MachineEffects` when it ends.
struct Journal: Sendable {
    /// False outside a step: direct callers of the event methods (tests, benchmarks) record nothing.
    var recording = false
    /// The event's history reason for inputs without their own.
    var reason = ""
    /// Touched inputs in first-touch order, with their phase before the event.
    var touched: [InputID] = []
    var phaseBefore: [InputID: InputLifecycleState] = [:]
    /// Per-input history reasons overriding `reason`.
    var reasons: [InputID: String] = [:]
    /// Inputs whose lane change is recorded in history even when the phase stays.
    var laneChanges: Set<InputID> = []
    /// True when the event writes the lifecycle row.
    var writesLifecycle = false
    /// True when the event ran a routing move (only then is the routing state compared with the base).
    var routingMoved = false
    /// Effects the event names directly (completions, receipt, session, run to start, ...).
    var effects = MachineEffects()
}

extension RuntimeMachine {
    // MARK: Steps

    /// Decides one event on a copy of the machine and returns its value, its effects and the next state, without
    /// changing this machine. `now` stamps the history entries and the lifecycle row the event writes (the machine
    /// reads no clock). A refused event throws and leaves nothing behind.
    public func step<Value: Sendable, Failure: Error>(
        at now: Date, _ event: (inout RuntimeMachine) throws(Failure) -> Value
    ) throws(Failure) -> MachineStep<Value> {
        var next = self
        next.pendingEvents = []
        next.pendingSignal = .none
        next.journal = Transient(Journal(recording: true))
        let value = try event(&next)
        let effects = next.drainEffects(at: now, since: self)
        return MachineStep(value: value, effects: effects, next: .state(next), base: generation)
    }

    /// A step that changes nothing and only publishes `events` (an answer read from the durable store).
    public func announce(_ events: [RuntimeEventKind]) -> MachineStep<Void> {
        var effects = MachineEffects()
        effects.events = events
        return MachineStep(value: (), effects: effects, next: .unchanged, base: generation)
    }

    /// Installs a step's next state once its durable effects are written. The step must have been decided against
    /// this machine, unchanged since (the session runtime's gate guarantees it).
    public mutating func adopt<Value>(_ step: MachineStep<Value>) {
        precondition(step.base == generation, "a machine step was adopted onto a machine it was not decided against")
        switch step.next {
        case .state(let next): self = next
        case .admission(let pending): install(pending, archiving: true)
        case .unchanged: return
        }
        generation = step.base &+ 1
    }

    // MARK: Journal

    /// Sets the history reason of the event being decided.
    mutating func beginEvent(_ reason: String, writesLifecycle: Bool = false) {
        guard journal.value.recording else { return }
        journal.value.reason = reason
        if writesLifecycle { journal.value.writesLifecycle = true }
    }

    /// Records that the event changes `id` (call before changing it). `reason` overrides the event's reason;
    /// `laneChange` records a history entry even when the phase stays.
    mutating func touch(_ id: InputID, reason: String? = nil, laneChange: Bool = false) {
        guard journal.value.recording, let phase = inputs[id]?.phase else { return }
        if journal.value.phaseBefore[id] == nil {
            journal.value.phaseBefore[id] = phase
            journal.value.touched.append(id)
        }
        if let reason { journal.value.reasons[id] = reason }
        if laneChange { journal.value.laneChanges.insert(id) }
    }

    /// Records that the event runs a routing move.
    mutating func markRoutingMove() {
        if journal.value.recording { journal.value.routingMoved = true }
    }

    /// Lists `id`'s waiters for resolution with `outcome`.
    mutating func notify(_ id: InputID, _ outcome: CompletionOutcome) {
        guard journal.value.recording else { return }
        journal.value.effects.completions.append(.init(inputID: id, outcome: outcome))
    }

    /// Edits the effects the event names directly.
    mutating func effect(_ body: (inout MachineEffects) -> Void) {
        guard journal.value.recording else { return }
        body(&journal.value.effects)
    }

    /// Ends a step: history entries for the touched inputs, their full rows, the events and signal, the lifecycle
    /// and routing rows; terminal inputs leave the live machine (their rows are in the same transaction).
    private mutating func drainEffects(at now: Date, since base: RuntimeMachine) -> MachineEffects {
        var journal = Journal()
        swap(&journal, &self.journal.value)
        var effects = MachineEffects()
        swap(&effects, &journal.effects)  // uniquely referenced: adding rows and events copies nothing
        for id in journal.touched {
            guard var facts = inputs[id], let before = journal.phaseBefore[id] else { continue }
            if before != facts.phase || journal.laneChanges.contains(id) {
                facts.shell.recordTransition(
                    from: before, to: facts.phase, reason: journal.reasons[id] ?? journal.reason, at: now)
                inputs[id] = facts
            }
            effects.inputRows.append(facts.row)
            archiveIfTerminal(id)
        }
        effects.events = pendingEvents
        effects.signal = pendingSignal
        if journal.writesLifecycle { effects.lifecycle = lifecycleRow(at: now) }
        if journal.routingMoved, routing != base.routing {
            effects.routing = routing
            effects.events += routing.events(since: base.routing)
        }
        pendingEvents = []
        pendingSignal = .none
        return effects
    }

    /// The durable lifecycle row of the current state.
    public func lifecycleRow(at now: Date) -> RuntimeLifecycleRow {
        RuntimeLifecycleRow(state: state.durableProjection(preRunPhase: preRunPhase), updatedAt: now)
    }
}
