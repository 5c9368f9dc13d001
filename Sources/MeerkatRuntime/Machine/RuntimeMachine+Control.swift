import Foundation
public import MeerkatCore

extension RuntimeMachine {
    /// `Initialize`: initializing → idle; registering a stopped runtime revives it to idle.
    public mutating func initialize() throws(MachineGuardError) {
        switch state {
        case .initializing, .stopped: setState(.idle)
        case .idle, .attached, .running, .retired: break
        case .destroyed: throw .destroyed
        }
    }

    /// `EnsureSessionWithExecutor`: idle/stopped → attached; running/retired/attached unchanged.
    public mutating func attach() throws(MachineGuardError) {
        switch state {
        case .idle, .stopped: setState(.attached)
        case .attached, .running, .retired: break
        case .initializing: throw .notReady(operation: "attach_executor", state: state)
        case .destroyed: throw .destroyed
        }
    }

    /// The executor went away without a stop: attached → idle.
    public mutating func detach() {
        if state == .attached { setState(.idle) }
        if state == .running, preRunPhase == .attached { setReturnState(.idle) }
    }

    /// `Retire`: no new input; existing work may drain. While running the state becomes retired when the run ends.
    public mutating func retire() throws(MachineGuardError) {
        beginEvent("control", writesLifecycle: true)
        switch state {
        case .idle, .attached, .stopped: setState(.retired)
        case .running: setReturnState(.retired)
        case .retired: break
        case .initializing: throw .notReady(operation: "retire", state: state)
        case .destroyed: throw .destroyed
        }
    }

    /// `Reset`: every non-terminal input abandoned `reset`, silent intents cleared, state idle. Refused while running,
    /// stopped or destroyed.
    public mutating func reset() throws(MachineGuardError) -> [InputID] {
        switch state {
        case .initializing, .idle, .attached, .retired: break
        case .running, .stopped: throw .notReady(operation: "reset", state: state)
        case .destroyed: throw .destroyed
        }
        beginEvent("control", writesLifecycle: true)
        let abandoned = abandonAllActive(.reset)
        silentIntents = []
        setState(.idle)
        return abandoned
    }

    /// `RuntimeExecutorExited` after a stop: active inputs abandoned `stopped`; attached/running/idle → stopped
    /// (retired stays retired).
    /// The effects ask the session runtime to stop its executor with `reason`.
    public mutating func stop(reason: String = "runtime stopped") throws(MachineGuardError) -> [InputID] {
        if state == .destroyed { throw .destroyed }
        if state == .initializing { throw .notReady(operation: "stop_runtime_executor", state: state) }
        beginEvent("control", writesLifecycle: true)
        effect { $0.stopExecutor = reason }
        let abandoned = abandonAllActive(.stopped)
        if let run = currentRun { pendingEvents.append(.runCancelled(run)) }
        let resting = preRunPhase ?? state
        setState(resting == .retired ? .retired : .stopped)
        return abandoned
    }

    /// `Destroy`: every active input abandoned `destroyed`; terminal state.
    public mutating func destroy() throws(MachineGuardError) -> [InputID] {
        if state == .destroyed { throw .destroyed }
        beginEvent("control", writesLifecycle: true)
        effect { $0.stopExecutor = "runtime destroyed" }
        let abandoned = abandonAllActive(.destroyed)
        if let run = currentRun { pendingEvents.append(.runCancelled(run)) }
        setState(.destroyed)
        return abandoned
    }

    /// `Retire` as the session runtime performs it: with an executor the queued work drains normally; without one it
    /// is abandoned `retired` at once.
    public mutating func retireRuntime(executorAttached: Bool) throws(MachineGuardError) -> RetireReport {
        try retire()
        let pending = activeInputIDs.count
        guard !executorAttached else {
            if pending > 0 { effect { $0.wake = true } }
            return RetireReport(inputsAbandoned: 0, inputsPendingDrain: pending)
        }
        let abandoned = abandonAllActive(.retired)
        return RetireReport(inputsAbandoned: abandoned.count, inputsPendingDrain: 0)
    }

    /// Abandons every active input (retire without a loop uses `.retired`).
    public mutating func abandonAllActive(_ reason: InputAbandonReason) -> [InputID] {
        let ids = activeInputIDs
        for id in ids { terminalise(id, .abandoned(reason: reason)) }
        return ids
    }

    /// `Recycle`: idle/retired → idle, attached → attached; the run binding is cleared and in-flight inputs return to
    /// their lanes (staged/applied → queued), preserving the work.
    public mutating func recycle() throws(MachineGuardError) -> [InputID] {
        switch state {
        case .idle, .retired: setState(.idle)
        case .attached: break
        case .running, .initializing, .stopped: throw .notReady(operation: "recycle", state: state)
        case .destroyed: throw .destroyed
        }
        beginEvent("Recycle", writesLifecycle: true)
        var transferred: [InputID] = []
        for id in activeInputIDs {
            guard let facts = inputs[id] else { continue }
            touch(id)
            if facts.phase != .queued {
                inputs[id]?.lane = facts.recoveryLane
                move(id, to: .queued)
            }
            transferred.append(id)
        }
        return transferred
    }
}
