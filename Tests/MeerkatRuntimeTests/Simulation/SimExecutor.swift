import Foundation
import MeerkatCore
import MeerkatRuntime
import Synchronization

/// What every executor of one driver scenario observed, shared across restarts: concurrent applies, each apply's
/// contributors and result, live steers delivered, handle resolutions and violations seen from inside an apply.
final class SimLedger: Sendable {
    struct Apply: Sendable {
        var executor: Int
        var run: RunID
        var inputs: [InputID]
        var succeeded: Bool
        var result: String
    }

    struct Resolution: Sendable {
        var handle: Int
        var inputID: InputID
        var result: Result<CompletionOutcome, CompletionWaitError>
    }

    struct State {
        var inFlight = 0
        var maxInFlight = 0
        var applies: [Apply] = []
        var liveSteered: [InputID] = []
        /// Runs the runtime asked this executor to interrupt, and runs the simulation asked to cancel.
        var interrupted: [RunID] = []
        var cancelRequested: Set<RunID> = []
        var resolutions: [Resolution] = []
        var violations: [String] = []
    }

    private let state = Mutex(State())

    var snapshot: State { state.withLock { $0 } }

    func beginApply() {
        state.withLock {
            $0.inFlight += 1
            $0.maxInFlight = max($0.maxInFlight, $0.inFlight)
        }
    }

    func endApply(_ apply: Apply) {
        state.withLock {
            $0.inFlight -= 1
            $0.applies.append(apply)
        }
    }

    func steered(_ ids: [InputID]) { state.withLock { $0.liveSteered += ids } }

    func interrupted(_ run: RunID) { state.withLock { $0.interrupted.append(run) } }

    func requestedCancel(_ run: RunID) { state.withLock { _ = $0.cancelRequested.insert(run) } }

    func resolved(_ resolution: Resolution) { state.withLock { $0.resolutions.append(resolution) } }

    func violation(_ message: String) { state.withLock { $0.violations.append(message) } }
}

/// A `CoreExecutor` whose every decision comes from a seeded generator: complete (with or without a result, parked on
/// a callback, machine terminal failure), fail (replayed or torn down), or block until the simulation releases,
/// interrupts or stops it, optionally passing a live-steer checkpoint afterwards.
actor SimExecutor: CoreExecutor {
    indirect enum Plan: Sendable {
        case complete
        case noResult
        case callback
        case terminalFailure
        case fail(CoreExecutorError)
        case block(then: Plan)
        case checkpoint(then: Plan)
    }

    static let session = SessionID(uuid: UUID(uuidString: "00000000-0000-7000-8000-000000000001")!)
    let index: Int
    private var rng: SimRandom
    private let ledger: SimLedger
    private let store: InMemoryRuntimeStore
    private let runtimeID: LogicalRuntimeID
    private var stopped = false
    private var blocked: (run: RunID, continuation: CheckedContinuation<CoreExecutorError?, Never>)?
    /// The run being applied, and whether it was asked to stop at its next checkpoint.
    private var current: RunID?
    private var cancelAtCheckpoint = false
    /// True once an apply asked for teardown: the runtime dropped this executor.
    private(set) var tornDown = false

    init(index: Int, rng: SimRandom, ledger: SimLedger, store: InMemoryRuntimeStore, runtimeID: LogicalRuntimeID) {
        self.index = index
        self.rng = rng
        self.ledger = ledger
        self.store = store
        self.runtimeID = runtimeID
    }

    var isBlocked: Bool { blocked != nil }

    private func choosePlan() -> Plan {
        let failure = CoreExecutorError.applyFailed(kind: .runtimeTurn, message: "sim failure")
        let simple: [Plan] = [
            .complete, .complete, .complete, .noResult, .callback, .fail(failure), .fail(failure),
            .checkpoint(then: .complete),
        ]
        switch rng.weighted([30, 7, 3, 2, 12, 2, 2, 2, 3, 22, 5]) {
        case 0: return .complete
        case 1: return .noResult
        case 2: return .callback
        case 3: return .terminalFailure
        case 4: return .fail(failure)
        case 5: return .fail(.internal("sim internal"))
        case 6: return .fail(.teardownRequired(reason: .executorNotProgressing, message: "sim stall"))
        case 7: return .fail(.teardownRequired(reason: .sessionUnavailable, message: "sim unavailable"))
        case 8: return .fail(.cancelled)
        case 9:
            // A long turn: blocked until the simulation acts, often passing a live-steer checkpoint afterwards.
            let next = rng.pick(simple) ?? .complete
            return .block(then: rng.chance(40) ? .checkpoint(then: next) : next)
        default: return .checkpoint(then: .complete)
        }
    }

    func apply(_ primitive: RunPrimitive, run: RunID, checkpoint: any RunCheckpoint) async throws(CoreExecutorError)
        -> CoreApplyOutput
    {
        ledger.beginApply()
        let ids = primitive.contributingInputIDs
        // Contributors are durably staged for this run before the executor sees them (RUNTIME.md §7.2 step 6).
        for id in ids {
            let row = try? await store.loadInput(runtimeID, id)
            if row?.seed.phase != .staged || row?.seed.lastRunID != run {
                ledger.violation("apply of \(run) received \(id) in phase \(String(describing: row?.seed.phase))")
            }
        }
        let result: Result<CoreApplyOutput, CoreExecutorError>
        if stopped {
            result = .failure(.stopped)
        } else {
            current = run
            cancelAtCheckpoint = false
            result = await execute(choosePlan(), primitive: primitive, run: run, checkpoint: checkpoint)
            current = nil
        }
        if case .failure(.teardownRequired) = result { tornDown = true }
        ledger.endApply(
            SimLedger.Apply(
                executor: index, run: run, inputs: ids, succeeded: (try? result.get()) != nil,
                result: (try? result.get()).map { "\($0.terminal)" } ?? "\(result)"))
        return try result.get()
    }

    private func execute(_ plan: Plan, primitive: RunPrimitive, run: RunID, checkpoint: any RunCheckpoint) async
        -> Result<CoreApplyOutput, CoreExecutorError>
    {
        var plan = plan
        while true {
            switch plan {
            case .complete:
                let result = RunResult(
                    text: "done", sessionID: Self.session, usage: Usage(), turns: 1,
                    toolCalls: 0)
                return .success(output(primitive, .runResult(result)))
            case .noResult:
                return .success(output(primitive, .noResult))
            case .callback:
                return .success(
                    output(primitive, .callbackPending(toolUseID: "tu", toolName: "cb", args: .object([:]))))
            case .terminalFailure:
                let report = ErrorReport(errorClass: .internal, reason: "sim_terminal", message: "hard failure")
                return .success(output(primitive, .machineTerminalFailure(report)))
            case .fail(let error):
                return .failure(error)
            case .checkpoint(let next):
                let contexts = await checkpoint.atBoundary(
                    CheckpointInfo(runID: run, completedCalls: 1, messageCount: 2))
                ledger.steered(contexts.compactMap(\.inputID))
                // An interrupt that arrived while passing the boundary cancels the turn there.
                if cancelAtCheckpoint { return .failure(.cancelled) }
                plan = next
            case .block(let next):
                let interruption = await withCheckedContinuation { continuation in
                    blocked = (run, continuation)
                }
                if let interruption {
                    // A stop lets the current step finish: the turn still reaches its next checkpoint, then ends.
                    if interruption == .stopped, case .checkpoint = next {
                        let contexts = await checkpoint.atBoundary(
                            CheckpointInfo(runID: run, completedCalls: 1, messageCount: 2))
                        ledger.steered(contexts.compactMap(\.inputID))
                    }
                    return .failure(interruption)
                }
                plan = next
            }
        }
    }

    private func output(_ primitive: RunPrimitive, _ terminal: CoreRunTerminal) -> CoreApplyOutput {
        CoreApplyOutput(
            receipt: RunBoundaryReceiptDraft(
                boundary: primitive.applyBoundary, contributingInputIDs: primitive.contributingInputIDs, messageCount: 2
            ),
            terminal: terminal, session: nil)
    }

    func interrupt(run: RunID) async {
        ledger.interrupted(run)
        if current == run { cancelAtCheckpoint = true }
        if let blocked, blocked.run == run {
            self.blocked = nil
            blocked.continuation.resume(returning: .cancelled)
        }
    }

    func interruptYielding() async {}

    func stop(reason: String) async {
        stopped = true
        if let blocked {
            self.blocked = nil
            blocked.continuation.resume(returning: .stopped)
        }
    }

    /// Lets a blocked apply continue with its plan.
    func release() {
        guard let blocked else { return }
        self.blocked = nil
        blocked.continuation.resume(returning: nil)
    }
}
