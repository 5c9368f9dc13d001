import Foundation
import MeerkatCore
import MeerkatRuntime

/// A scriptable `CoreExecutor` for driver tests: records every primitive and control call; each apply takes the next
/// step (completing by default).
actor TestExecutor: CoreExecutor {
    indirect enum Step: Sendable {
        case complete(String)
        case completeWithoutResult
        /// Ends the run successfully with this terminal (callback parks, machine terminal failure, ...).
        case finish(CoreRunTerminal)
        case fail(CoreExecutorError)
        /// Waits until `release()`, an interrupt (→ cancelled) or a stop (→ stopped), then takes `then`.
        case block(then: Step)
        /// Calls the checkpoint once, records what it returned, then takes `then` — unless the run was interrupted
        /// meanwhile, in which case it ends `cancelled` like a real executor honouring its interrupt handle.
        case checkpoint(then: Step)
    }

    private var script: [Step]
    private(set) var primitives: [RunPrimitive] = []
    private(set) var runs: [RunID] = []
    private(set) var stopCount = 0
    private(set) var interrupts: [RunID] = []
    private(set) var yieldCount = 0
    private(set) var steerContexts: [[SteerContext]] = []
    private var blocked: (run: RunID, continuation: CheckedContinuation<CoreExecutorError?, Never>)?
    private var applyWaiters: [(Int, CheckedContinuation<Void, Never>)] = []
    private var blockWaiters: [CheckedContinuation<Void, Never>] = []

    init(_ script: [Step] = []) { self.script = script }

    var applyCount: Int { primitives.count }

    func apply(_ primitive: RunPrimitive, run: RunID, checkpoint: any RunCheckpoint) async throws(CoreExecutorError)
        -> CoreApplyOutput
    {
        primitives.append(primitive)
        runs.append(run)
        let ready = applyWaiters.filter { $0.0 <= primitives.count }
        applyWaiters.removeAll { $0.0 <= primitives.count }
        for waiter in ready { waiter.1.resume() }
        var step = script.isEmpty ? .complete("ok") : script.removeFirst()
        while true {
            switch step {
            case .complete(let text):
                return output(
                    primitive,
                    .runResult(RunResult(text: text, sessionID: SessionID(), usage: Usage(), turns: 1, toolCalls: 0)))
            case .completeWithoutResult:
                return output(primitive, .noResult)
            case .finish(let terminal):
                return output(primitive, terminal)
            case .fail(let error):
                throw error
            case .checkpoint(let next):
                let contexts = await checkpoint.atBoundary(
                    CheckpointInfo(runID: run, completedCalls: 1, messageCount: 2))
                steerContexts.append(contexts)
                if interrupts.contains(run) { throw .cancelled }
                step = next
            case .block(let next):
                let interruption = await withCheckedContinuation { continuation in
                    blocked = (run, continuation)
                    let waiters = blockWaiters
                    blockWaiters = []
                    for waiter in waiters { waiter.resume() }
                }
                if let interruption { throw interruption }
                step = next
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
        interrupts.append(run)
        if let blocked, blocked.run == run {
            self.blocked = nil
            blocked.continuation.resume(returning: .cancelled)
        }
    }

    func interruptYielding() async { yieldCount += 1 }

    func stop(reason: String) async {
        stopCount += 1
        if let blocked {
            self.blocked = nil
            blocked.continuation.resume(returning: .stopped)
        }
    }

    /// Lets a blocked apply continue.
    func release() {
        guard let blocked else { return }
        self.blocked = nil
        blocked.continuation.resume(returning: nil)
    }

    /// Waits until an apply is blocked.
    func waitUntilBlocked() async {
        if blocked != nil { return }
        await withCheckedContinuation { blockWaiters.append($0) }
    }

    /// Waits until `count` applies started.
    func waitForApplies(_ count: Int) async {
        if primitives.count >= count { return }
        await withCheckedContinuation { applyWaiters.append((count, $0)) }
    }
}

/// Input builders for tests.
enum Inputs {
    static func prompt(_ text: String, key: String? = nil, durability: InputDurability = .durable, steer: Bool = false)
        -> Input
    {
        .prompt(
            PromptInput(
                header: InputHeader(durability: durability, idempotencyKey: key.map { IdempotencyKey($0) }),
                content: .text(text),
                turnMetadata: steer ? RuntimeTurnMetadata(handlingMode: .steer) : nil))
    }

    static func peer(
        _ text: String, convention: PeerConvention? = nil, mode: HandlingMode? = nil, supersession: String? = nil
    )
        -> Input
    {
        .peer(
            PeerInput(
                header: InputHeader(
                    source: .peer(peerID: "peer-1", displayIdentity: "Peer One", runtimeID: nil),
                    supersessionKey: supersession.map { SupersessionKey($0) }),
                convention: convention, content: .text(text), handlingMode: mode))
    }

    static func event(_ type: String, mode: HandlingMode = .queue) -> Input {
        .externalEvent(ExternalEventInput(eventType: type, payload: ["body": .string(type)], handlingMode: mode))
    }

    static func operation() -> Input {
        .operation(OperationInput(operationID: "op-1", event: .started))
    }
}

/// A registered session over an in-memory store, optionally with an executor.
func makeRuntime(executor: TestExecutor? = nil, store: InMemoryRuntimeStore = InMemoryRuntimeStore()) async throws
    -> (SessionRuntime, InMemoryRuntimeStore)
{
    let (runtime, _) = try await SessionRuntime.open(session: SessionID(), store: store)
    if let executor { try await runtime.attach(executor) }
    return (runtime, store)
}

/// Waits until the runtime's loop has nothing left to do.
func settled(_ runtime: SessionRuntime) async {
    while await runtime.isLoopActive { await Task.yield() }
}
