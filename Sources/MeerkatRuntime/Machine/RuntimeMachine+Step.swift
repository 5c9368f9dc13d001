public import Foundation
import MeerkatCore

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

/// The journal of the step being decided, by reference so the machine stays small to copy. `@unchecked Sendable` is
/// safe: a `JournalRef` is created by `RuntimeMachine.step` for its private copy of the machine and detached from it
/// before the copy leaves `step` (`drainEffects`), so it is only ever reached from the one task deciding the step.
final class JournalRef: @unchecked Sendable {
    var journal = Journal()
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
        next.journal = Transient(JournalRef())
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
        let base = step.base
        switch step.next {
        case .state(let next): self = next
        case .admission(let pending): install(pending, archiving: true)
        case .unchanged: return
        }
        generation = base &+ 1
    }

    // MARK: Journal

    /// Sets the history reason of the event being decided.
    mutating func beginEvent(_ reason: String, writesLifecycle: Bool = false) {
        guard let ref = journal.value else { return }
        ref.journal.reason = reason
        if writesLifecycle { ref.journal.writesLifecycle = true }
    }

    /// Records that the event changes `id` (call before changing it). `reason` overrides the event's reason;
    /// `laneChange` records a history entry even when the phase stays.
    mutating func touch(_ id: InputID, reason: String? = nil, laneChange: Bool = false) {
        guard let ref = journal.value, let phase = inputs[id]?.phase else { return }
        if ref.journal.phaseBefore[id] == nil {
            ref.journal.phaseBefore[id] = phase
            ref.journal.touched.append(id)
        }
        if let reason { ref.journal.reasons[id] = reason }
        if laneChange { ref.journal.laneChanges.insert(id) }
    }

    /// Records that the event runs a routing move.
    mutating func markRoutingMove() {
        journal.value?.journal.routingMoved = true
    }

    /// Lists `id`'s waiters for resolution with `outcome`.
    mutating func notify(_ id: InputID, _ outcome: CompletionOutcome) {
        journal.value?.journal.effects.completions.append(.init(inputID: id, outcome: outcome))
    }

    /// Edits the effects the event names directly.
    mutating func effect(_ body: (inout MachineEffects) -> Void) {
        guard let ref = journal.value else { return }
        body(&ref.journal.effects)
    }

    /// Ends a step: history entries for the touched inputs, their full rows, the events and signal, the lifecycle
    /// and routing rows; terminal inputs leave the live machine (their rows are in the same transaction).
    private mutating func drainEffects(at now: Date, since base: RuntimeMachine) -> MachineEffects {
        var journal = Journal()
        if let ref = self.journal.value { swap(&journal, &ref.journal) }
        self.journal = Transient(nil)
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
