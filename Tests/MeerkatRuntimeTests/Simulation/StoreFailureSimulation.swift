import Foundation
import MeerkatCore
import Testing

@testable import MeerkatRuntime

/// Randomized, seeded simulation of the `SessionRuntime` actor over a store whose writes fail at random points
/// (issue 11): a failure is armed to strike after 0–3 more successful writes, so it lands inside admission,
/// staging, a live steer, a run's settlement, a control operation or recovery, and it lasts until it is healed a few
/// steps later. After every step, with the runtime quiescent, the machine, the rows the actor holds and the store
/// must agree; at the end (store healed, runtime destroyed) every completion waiter has resolved exactly once and no
/// waiter was told `completed` for an input whose row is not consumed. Reproduce a failure with
/// `MEERKAT_SIM_SEED=<seed> swift test --skip-build --filter StoreFailureSimulation`.
@Suite("Runtime simulation: store write failures", .serialized)
struct StoreFailureSimulationTests {
    static let seeds = SimSeeds.seeds(default: 8, salt: 0x5354_4f52)
    static let steps = 250

    @Test(
        "machine, stored rows and waiters agree under injected write failures", .timeLimit(.minutes(1)),
        arguments: seeds)
    func randomScenario(seed: UInt64) async throws {
        let sim = try await StoreFailureSimulation(seed: seed)
        await sim.run(steps: Self.steps)
    }
}

/// One seeded scenario with injected store failures.
final class StoreFailureSimulation {
    let seed: UInt64
    var rng: SimRandom
    var factory: SimInputFactory
    let store = InMemoryRuntimeStore()
    let session: SessionID
    let runtimeID: LogicalRuntimeID
    let ledger = SimLedger()
    var runtime: SessionRuntime
    var executor: SimExecutor?
    var executorCount = 0
    var step = 0
    var failed = false
    /// True while a write failure is armed or striking.
    var failing = false
    var admitted: Set<InputID> = []
    /// Handle number → input, for the end checks.
    var handles: [Int: InputID] = [:]
    var stats: [String: Int] = [:]

    init(seed: UInt64) async throws {
        self.seed = seed
        rng = SimRandom(seed: seed)
        factory = SimInputFactory(space: 0xC0, allowEphemeral: false)
        var sessionIDs = SimIDs(space: 0xD1)
        session = SessionID(uuid: sessionIDs.uuid())
        runtimeID = .session(session)
        (runtime, _) = try await SessionRuntime.open(session: session, store: store)
        await attachFresh()
    }

    func fail(_ message: String) {
        guard !failed else { return }
        failed = true
        Issue.record("seed \(seed) step \(step): \(message)")
    }

    func count(_ path: String) { stats[path, default: 0] += 1 }

    func run(steps: Int) async {
        for index in 1...steps {
            step = index
            await performRandomStep()
            if failed { break }
            guard await quiesce() else { break }
            await checkAgreement()
            if failed { break }
        }
        await finish()
        stats["background failures"] = await runtime.backgroundFailureCount
        if ProcessInfo.processInfo.environment["MEERKAT_SIM_VERBOSE"] != nil {
            print("seed \(seed): \(stats.sorted { $0.key < $1.key })")
        }
    }

    func performRandomStep() async {
        let state = await runtime.state
        let blocked = await executor?.isBlocked ?? false
        if executor == nil, state != .destroyed, rng.chance(30) { return await attachFresh() }
        let weights = [
            40,  // 0 accept
            blocked ? 25 : 0,  // 1 release
            failing ? 0 : 8,  // 2 arm a failure
            failing ? 20 : 0,  // 3 heal
            blocked ? 4 : 1,  // 4 interrupt
            2,  // 5 retire
            3,  // 6 reset
            2,  // 7 stop
            3,  // 8 recycle
            2,  // 9 restart
            state == .destroyed ? 30 : 0,  // 10 restart a destroyed runtime
        ]
        switch rng.weighted(weights) {
        case 0: await accept()
        case 1: await executor?.release()
        case 2:
            count("arm")
            failing = true
            await store.failWrites(afterSuccesses: rng.below(4), with: .unavailable("injected write failure"))
        case 3:
            count("heal")
            failing = false
            await store.failWrites(with: nil)
        case 4: _ = await runtime.interrupt()
        case 5: await control("retire") { runtime throws(RuntimeDriverError) in _ = try await runtime.retire() }
        case 6: await control("reset") { runtime throws(RuntimeDriverError) in _ = try await runtime.reset() }
        case 7: await control("stop") { runtime throws(RuntimeDriverError) in try await runtime.stopRuntimeExecutor() }
        case 8: await control("recycle") { runtime throws(RuntimeDriverError) in _ = try await runtime.recycle() }
        default: await restart()
        }
    }

    /// Waits until the loop is parked or the executor is blocked (only real state is awaited, no clocks).
    func quiesce() async -> Bool {
        for _ in 0..<500_000 {
            if let executor, await executor.isBlocked { return true }
            if await !runtime.isLoopActive { return true }
            await Task.yield()
        }
        fail("the runtime never became quiescent (state \(await runtime.state))")
        return false
    }

    func accept() async {
        let input = factory.make(&rng).input
        let wantsCompletion = rng.chance(70)
        do {
            let (outcome, handle) = try await runtime.accept(input, wantsCompletion: wantsCompletion)
            count("accept")
            if case .accepted(let id, _, _, _) = outcome { admitted.insert(id) }
            if let handle { watch(handle) }
        } catch {
            count("accept refused")
            // A refused accept admitted nothing: no row, and the machine does not know the input.
            if !admitted.contains(input.id) {
                if (try? await store.loadInput(runtimeID, input.id)) != nil {
                    fail("a refused accept left a row for \(input.id) (\(error))")
                }
                if await runtime.machine.inputs[input.id] != nil {
                    fail("a refused accept left \(input.id) in the machine (\(error))")
                }
            }
        }
    }

    func watch(_ handle: CompletionHandle) {
        let index = handles.count + 1
        handles[index] = handle.inputID
        let ledger = ledger
        Task {
            let result: Result<CompletionOutcome, CompletionWaitError>
            do throws(CompletionWaitError) {
                result = .success(try await handle.wait())
            } catch {
                result = .failure(error)
            }
            ledger.resolved(SimLedger.Resolution(handle: index, inputID: handle.inputID, result: result))
        }
    }

    /// A control operation either happens completely (rows durable, machine moved) or not at all.
    func control(_ name: String, _ body: (SessionRuntime) async throws(RuntimeDriverError) -> Void) async {
        let before = await runtime.machine
        do {
            try await body(runtime)
            count(name)
        } catch {
            count("\(name) refused")
            // The operation was refused or its write failed: the machine is exactly as before, except that a stop
            // hands the executor off before it commits.
            let after = await runtime.machine
            if after.inputs != before.inputs || after.idempotency != before.idempotency {
                fail("\(name) failed (\(error)) but changed the machine's inputs")
            }
        }
        if await runtime.executor == nil { executor = nil }
    }

    func attachFresh() async {
        executorCount += 1
        let fresh = SimExecutor(
            index: executorCount, rng: rng.fork(), ledger: ledger, store: store, runtimeID: runtimeID)
        do {
            try await runtime.attach(fresh)
            executor = fresh
        } catch {
            count("attach refused")
        }
    }

    /// Unregisters the runtime and opens a new one on the same store; recovery itself may hit the injected failure,
    /// in which case the store is healed and recovery retried.
    func restart() async {
        count("restart")
        await runtime.unregister()
        for _ in 0..<500_000 where await runtime.isLoopActive { await Task.yield() }
        do {
            (runtime, _) = try await SessionRuntime.open(session: session, store: store)
        } catch {
            count("recovery refused")
            failing = false
            await store.failWrites(with: nil)
            do {
                (runtime, _) = try await SessionRuntime.open(session: session, store: store)
            } catch {
                return fail("recovery failed on a healthy store: \(error)")
            }
        }
        executor = nil
        if rng.chance(85) { await attachFresh() }
    }

    // MARK: Checks

    /// The machine's facts (with the row derived from them) and the store's rows are one picture.
    func checkAgreement() async {
        if let executor, await executor.tornDown { self.executor = nil }
        let machine = await runtime.machine
        let rows: [StoredInputState]
        do {
            rows = try await store.loadInputs(runtimeID)
        } catch {
            return fail("store unreadable: \(error)")
        }
        let stored = Dictionary(rows.map { ($0.inputID, $0) }, uniquingKeysWith: { first, _ in first })
        for (id, facts) in machine.inputs {
            guard let row = stored[id] else {
                fail("the machine tracks \(id) (\(facts.phase)) but the store has no row")
                continue
            }
            if row.seed != facts.seed {
                fail(
                    "input \(id): machine \(facts.phase)/attempts \(facts.attempts), store \(row.phase)/attempts \(row.seed.attemptCount)"
                )
            }
            if facts.row != row {
                fail(
                    "input \(id): the row derived from the machine differs from the stored row\nmachine: \(facts.row)\nstore:   \(row)"
                )
            }
        }
        for row in rows where !row.isTerminal && machine.inputs[row.inputID] == nil {
            fail("stored row \(row.inputID) is \(row.phase) but the machine does not track it")
        }
        // A run in progress is exactly what the store says is staged for it.
        if let run = machine.currentRun {
            let staged = Set(rows.filter { $0.phase == .staged && $0.seed.lastRunID == run }.map(\.inputID))
            let members = Set(
                machine.inputs.filter { $0.value.phase == .staged && $0.value.lastRunID == run }.map(\.key))
            if staged != members { fail("run \(run): machine stages \(members.count), store \(staged.count)") }
        } else if machine.state == .running {
            fail("running without a current run")
        }
        if let violation = ledger.snapshot.violations.first { fail(violation) }
    }

    /// Heals the store, destroys the runtime and checks the end state.
    func finish() async {
        failing = false
        await store.failWrites(with: nil)
        if await runtime.state != .destroyed {
            do {
                _ = try await runtime.destroy()
            } catch {
                fail("final destroy failed on a healthy store: \(error)")
            }
        }
        for _ in 0..<500_000 where await runtime.isLoopActive { await Task.yield() }
        await checkAgreement()
        for _ in 0..<1_000_000 {
            if ledger.snapshot.resolutions.count >= handles.count { break }
            await Task.yield()
        }
        let snapshot = ledger.snapshot
        let resolved = Dictionary(grouping: snapshot.resolutions, by: \.handle)
        let rows = (try? await store.loadInputs(runtimeID)) ?? []
        let stored = Dictionary(rows.map { ($0.inputID, $0) }, uniquingKeysWith: { first, _ in first })
        for (index, id) in handles.sorted(by: { $0.key < $1.key }) {
            guard let resolutions = resolved[index], resolutions.count == 1, let resolution = resolutions.first else {
                fail("handle \(index) for \(id) resolved \(resolved[index]?.count ?? 0) times")
                continue
            }
            if case .success(.completed) = resolution.result, stored[id]?.phase != .consumed {
                fail("handle \(index) was told completed but \(id) is \(String(describing: stored[id]?.phase))")
            }
        }
        for id in admitted where stored[id]?.isTerminal != true {
            fail("admitted input \(id) ends \(String(describing: stored[id]?.phase))")
        }
        if let violation = snapshot.violations.first { fail(violation) }
    }
}
