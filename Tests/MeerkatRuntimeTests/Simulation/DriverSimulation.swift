import Foundation
import MeerkatCore
import MeerkatRuntime
import Testing

/// Randomized, seeded simulation of the `SessionRuntime` actor with a randomized executor (RUNTIME.md §7, §9, §10,
/// §11): accepts with and without handles, executor outcomes, control operations and restarts over one store. The
/// simulation waits for the runtime to be quiescent (loop parked or the executor blocked) after every step, so the
/// interleaving, and therefore the run, is a function of the seed. Reproduce a failure with
/// `MEERKAT_SIM_SEED=<seed> swift test --skip-build --filter DriverSimulation`.
@Suite("Runtime simulation: driver", .serialized)
struct DriverSimulationTests {
    static let seeds = SimSeeds.seeds(default: 8, salt: 0x4452_4956)
    static let steps = 300

    @Test("random scenarios keep the driver's guarantees", .timeLimit(.minutes(1)), arguments: seeds)
    func randomScenario(seed: UInt64) async throws {
        let sim = try await DriverSimulation(seed: seed)
        await sim.run(steps: Self.steps)
    }
}

/// One seeded driver scenario.
final class DriverSimulation {
    let seed: UInt64
    var rng: SimRandom
    var factory: SimInputFactory
    let store = InMemoryRuntimeStore()
    let session: SessionID
    let runtimeID: LogicalRuntimeID
    let ledger = SimLedger()
    var runtime: SessionRuntime
    /// The executor the runtime holds, as far as the simulation knows (nil after stop, destroy or teardown).
    var executor: SimExecutor?
    var executorCount = 0
    var step = 0
    var failed = false
    /// Set by a successful retire; cleared by reset, recycle and restart.
    var retired = false
    /// Every input ever admitted and the owner of every idempotency key.
    var admitted: [InputID: Input] = [:]
    var keyOwners: [IdempotencyKey: InputID] = [:]
    /// Terminal rows as first seen: they must never change.
    var frozen: [InputID: StoredInputState] = [:]
    var handles = 0
    var stats: [String: Int] = [:]

    init(seed: UInt64) async throws {
        self.seed = seed
        rng = SimRandom(seed: seed)
        factory = SimInputFactory(space: 0xC0, allowEphemeral: false)
        var sessionIDs = SimIDs(space: 0xD0)
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

    // MARK: Scenario

    func run(steps: Int) async {
        for index in 1...steps {
            step = index
            await performRandomStep()
            if failed { break }
            guard await quiesce() else { break }
            await checkStore()
            if failed { break }
        }
        await finish()
    }

    func performRandomStep() async {
        let state = await runtime.state
        let blocked = await executor?.isBlocked ?? false
        if state == .destroyed, rng.chance(50) { return await restart() }
        if executor == nil, state != .destroyed, rng.chance(25) { return await attachFresh() }
        let weights = [
            45,  // 0 accept
            blocked ? 25 : 0,  // 1 release
            blocked ? 5 : 1,  // 2 interrupt
            1,  // 3 stale interrupt
            3,  // 4 retire
            3,  // 5 reset
            2,  // 6 stop
            1,  // 7 destroy
            3,  // 8 recycle
            2,  // 9 restart
            blocked ? 4 : 1,  // 10 cancel after boundary
        ]
        switch rng.weighted(weights) {
        case 0: await accept()
        case 1: await executor?.release()
        case 2: await interrupt()
        case 3: await staleInterrupt()
        case 4: await retire()
        case 5: await reset()
        case 6: await stop()
        case 7: await destroy()
        case 8: await recycle()
        case 9: await restart()
        default: await cancelAfterBoundary()
        }
    }

    /// Waits until the runtime has nothing in motion: its loop parked, or the executor blocked on a simulated long
    /// turn. Only real state is awaited (no clocks).
    func quiesce() async -> Bool {
        for _ in 0..<500_000 {
            if let executor, await executor.isBlocked { return true }
            if await !runtime.isLoopActive { return true }
            await Task.yield()
        }
        fail("the runtime never became quiescent (state \(await runtime.state))")
        return false
    }

    // MARK: Operations

    func accept() async {
        let state = await runtime.state
        let legal = state.acceptsInput && !retired
        var generated = factory.make(&rng)
        if rng.chance(7), let id = rng.pick(admitted.keys.simSorted()), let input = admitted[id] {
            generated = SimInput(input: input, expectRejected: false)  // a duplicate delivery of the same input
            count("redelivery")
        }
        let input = generated.input
        let wantsCompletion = rng.chance(60)
        let withoutWake = rng.chance(8)
        let key = input.header.idempotencyKey
        let owner = key.flatMap { keyOwners[$0] } ?? (admitted[input.id] != nil ? input.id : nil)
        let outcome: AcceptOutcome
        let handle: CompletionHandle?
        do {
            (outcome, handle) = try await runtime.accept(
                input, withoutWake: withoutWake, wantsCompletion: wantsCompletion)
        } catch {
            if legal { fail("accept of \(input.kind) refused in state \(state): \(error)") }
            return
        }
        if !legal { return fail("accept allowed in state \(state) (retired: \(retired))") }
        count("accept")
        switch outcome {
        case .rejected(let reason):
            if !generated.expectRejected { fail("\(input.kind) \(input.id) rejected: \(reason)") }
            if handle != nil { fail("a rejection returned a handle") }
        case .deduplicated(_, let existing, let seed):
            count("dedup")
            if existing != owner {
                fail("\(input.id) deduplicated onto \(existing), expected \(String(describing: owner))")
            }
            let live = !(seed?.phase.isTerminal ?? false)
            if (handle != nil) != (wantsCompletion && live) { fail("dedup handle presence wrong (live: \(live))") }
        case .accepted(let id, _, _, let seed):
            if generated.expectRejected { fail("invalid \(input.kind) accepted") }
            if let owner { fail("\(id) admitted again although \(owner) already answers for it") }
            admitted[id] = input
            if let key { keyOwners[key] = id }
            if (handle != nil) != (wantsCompletion && !seed.phase.isTerminal) { fail("accept handle presence wrong") }
        }
        if let handle { watch(handle) }
    }

    /// Waits for a handle in a task and records what it resolved to.
    func watch(_ handle: CompletionHandle) {
        handles += 1
        let index = handles
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

    func interrupt() async {
        if let run = await runtime.currentRunID { ledger.requestedCancel(run) }
        let result = await runtime.interrupt()
        if result != .interrupted { fail("interrupt returned \(result)") }
    }

    /// Asks the current run to stop at its next checkpoint: only that run may be interrupted because of it.
    func cancelAfterBoundary() async {
        count("cancelAfterBoundary")
        if let run = await runtime.currentRunID { ledger.requestedCancel(run) }
        await runtime.cancelAfterBoundary(reason: "sim")
    }

    func staleInterrupt() async {
        let blocked = await executor?.isBlocked ?? false
        let result = await runtime.interrupt(run: RunID())
        if result != .notFound { fail("interrupting a stale run returned \(result)") }
        if blocked, await executor?.isBlocked != true { fail("a stale interrupt cancelled the current run") }
    }

    func retire() async {
        let state = await runtime.state
        let active = await runtime.listActiveInputs()
        let legal = ![.initializing, .destroyed].contains(state)
        do {
            let report = try await runtime.retire()
            if !legal { return fail("retire allowed in \(state)") }
            count("retire")
            retired = true
            if report.inputsAbandoned + report.inputsPendingDrain != active.count {
                fail("retire report \(report) for \(active.count) active inputs")
            }
            if executor == nil, report.inputsAbandoned != active.count { fail("retire without a loop kept work") }
        } catch {
            if legal { fail("retire refused in \(state): \(error)") }
        }
    }

    func reset() async {
        let state = await runtime.state
        let active = await runtime.listActiveInputs()
        let legal = [.idle, .attached, .retired].contains(state)
        do {
            let report = try await runtime.reset()
            if !legal { return fail("reset allowed in \(state)") }
            count("reset")
            retired = false
            if report.inputsAbandoned != active.count { fail("reset report \(report) for \(active.count) inputs") }
            if await runtime.state != .idle { fail("reset left \(await runtime.state)") }
        } catch {
            if legal { fail("reset refused in \(state): \(error)") }
        }
    }

    func stop() async {
        let state = await runtime.state
        do {
            try await runtime.stopRuntimeExecutor()
            if state == .destroyed { return fail("stop allowed when destroyed") }
            count("stop")
            executor = nil
            let after = await runtime.state
            if after != .stopped && after != .retired { fail("stop left \(after)") }
            if await !runtime.listActiveInputs().isEmpty { fail("stop left active inputs") }
        } catch {
            if state != .destroyed { fail("stop refused in \(state): \(error)") }
        }
    }

    func destroy() async {
        let state = await runtime.state
        let active = await runtime.listActiveInputs()
        do {
            let report = try await runtime.destroy()
            if state == .destroyed { return fail("destroy allowed twice") }
            count("destroy")
            executor = nil
            if report.inputsAbandoned != active.count { fail("destroy report \(report) for \(active.count) inputs") }
        } catch {
            if state != .destroyed { fail("destroy refused in \(state): \(error)") }
        }
    }

    func recycle() async {
        let state = await runtime.state
        let active = await runtime.listActiveInputs()
        let legal = [.idle, .retired, .attached].contains(state)
        do {
            let report = try await runtime.recycle()
            if !legal { return fail("recycle allowed in \(state)") }
            count("recycle")
            retired = false
            if report.inputsTransferred != active.count { fail("recycle report \(report) for \(active.count) inputs") }
        } catch {
            if legal { fail("recycle refused in \(state): \(error)") }
        }
    }

    func attachFresh() async {
        executorCount += 1
        let fresh = SimExecutor(
            index: executorCount, rng: rng.fork(), ledger: ledger, store: store, runtimeID: runtimeID)
        let state = await runtime.state
        do {
            try await runtime.attach(fresh)
            executor = fresh
        } catch {
            if state != .destroyed { fail("attach refused in \(state): \(error)") }
        }
    }

    /// A restart: the old runtime is unregistered (its waiters learn it), a new one is opened on the same store and
    /// usually gets a fresh executor.
    func restart() async {
        count("restart")
        let old = runtime
        await old.unregister()
        let writes = await store.writeCount
        guard await loopEnds(old) else { return fail("the unregistered runtime's loop never ended") }
        if await store.writeCount != writes { fail("the unregistered runtime wrote to the store") }
        do {
            (runtime, _) = try await SessionRuntime.open(session: session, store: store)
        } catch {
            return fail("reopening failed: \(error)")
        }
        executor = nil
        retired = false
        if await runtime.state != .idle { fail("a reopened runtime is \(await runtime.state), not idle") }
        if rng.chance(85) { await attachFresh() }
    }

    /// Waits (by yielding, no clock) until a runtime's loop task has ended.
    func loopEnds(_ runtime: SessionRuntime) async -> Bool {
        for _ in 0..<500_000 {
            if await !runtime.isLoopActive { return true }
            await Task.yield()
        }
        return false
    }

    /// The runtime was torn down by the executor: it no longer holds one.
    func noteTeardown() async {
        if let executor, await executor.tornDown { self.executor = nil }
    }

    // MARK: Checks

    func checkStore() async {
        await noteTeardown()
        let rows: [StoredInputState]
        do {
            rows = try await store.loadInputs(runtimeID)
        } catch {
            return fail("store unreadable: \(error)")
        }
        var seen = Set<InputID>()
        for row in rows {
            seen.insert(row.inputID)
            if !row.seed.isConsistent {
                fail("row \(row.inputID) phase \(row.phase) with \(String(describing: row.seed.terminalOutcome))")
            }
            if let before = frozen[row.inputID] {
                if before != row {
                    fail(
                        "terminal row \(row.inputID) changed: \(before.phase) → \(row.phase), history \(row.state.history.count)"
                    )
                }
            } else if row.isTerminal {
                frozen[row.inputID] = row
            }
        }
        for id in frozen.keys where !seen.contains(id) { fail("terminal row \(id) disappeared") }
        let storeActive = Set(rows.filter { !$0.isTerminal }.map(\.inputID))
        let live = Set(await runtime.listActiveInputs())
        if storeActive != live {
            fail("store active rows \(storeActive.count) disagree with live inputs \(live.count)")
        }
        let snapshot = ledger.snapshot
        if snapshot.maxInFlight > 1 { fail("\(snapshot.maxInFlight) applies in flight at once") }
        if let violation = snapshot.violations.first { fail(violation) }
        if let run = snapshot.interrupted.first(where: { !snapshot.cancelRequested.contains($0) }) {
            fail("run \(run) was interrupted although nobody asked to cancel it")
        }
    }

    /// Ends the scenario with a destroy so that everything terminalises, then checks the end state.
    func finish() async {
        if await runtime.state != .destroyed {
            do {
                _ = try await runtime.destroy()
            } catch {
                fail("final destroy failed: \(error)")
            }
        }
        if await !loopEnds(runtime) { fail("the destroyed runtime's loop never ended") }
        await checkStore()
        // Every handle resolves exactly once.
        for _ in 0..<1_000_000 {
            if ledger.snapshot.resolutions.count >= handles { break }
            await Task.yield()
        }
        let snapshot = ledger.snapshot
        let resolved = Dictionary(grouping: snapshot.resolutions, by: \.handle)
        for index in 1...max(handles, 1) where handles > 0 && resolved[index]?.count != 1 {
            fail("handle \(index) resolved \(resolved[index]?.count ?? 0) times")
        }
        // Every admitted input ends in exactly one terminal state.
        let rows = (try? await store.loadInputs(runtimeID)) ?? []
        let byID = Dictionary(rows.map { ($0.inputID, $0) }, uniquingKeysWith: { first, _ in first })
        if rows.count != byID.count { fail("duplicate rows in the store") }
        for id in admitted.keys.simSorted() {
            guard let row = byID[id] else {
                fail("admitted input \(id) has no row")
                continue
            }
            if !row.isTerminal || !row.seed.isConsistent { fail("input \(id) ends \(row.phase)") }
        }
        if await !runtime.listActiveInputs().isEmpty { fail("active inputs after destroy") }
        if (try? await store.loadLifecycle(runtimeID))?.state != .destroyed { fail("lifecycle row not destroyed") }
        // No input is consumed twice: at most one receipt names it, and it is named iff it was consumed by a run.
        let receipts = (try? await store.loadReceipts(runtimeID)) ?? []
        var named: [InputID: Int] = [:]
        for receipt in receipts { for id in receipt.contributingInputIDs { named[id, default: 0] += 1 } }
        for (id, row) in byID {
            let expected = row.seed.terminalOutcome == .consumed && admitted[id]?.kind != .operation ? 1 : 0
            if named[id, default: 0] != expected {
                fail("input \(id) (\(row.phase)) named by \(named[id, default: 0]) receipts, expected \(expected)")
            }
        }
        // The executor side agrees: no input was in two successful applies that were committed.
        let committedRuns = Set(receipts.map(\.runID))
        var applied: [InputID: Int] = [:]
        for apply in snapshot.applies where apply.succeeded && committedRuns.contains(apply.run) {
            for id in apply.inputs { applied[id, default: 0] += 1 }
        }
        for id in snapshot.liveSteered { applied[id, default: 0] += 1 }
        for (id, times) in applied where times > 1 { fail("input \(id) consumed by \(times) committed applies") }
        if snapshot.maxInFlight > 1 { fail("\(snapshot.maxInFlight) applies in flight at once") }
        if ProcessInfo.processInfo.environment["MEERKAT_SIM_VERBOSE"] != nil {
            let outcomes = Dictionary(grouping: snapshot.resolutions) { resolution -> String in
                switch resolution.result {
                case .success(let outcome): "\(outcome)".prefix { $0 != "(" }.description
                case .failure(let error): "\(error)"
                }
            }.mapValues(\.count)
            let results = Dictionary(grouping: snapshot.applies) { $0.result.prefix { $0 != "(" }.description }
                .mapValues(\.count)
            print(
                "seed \(seed): admitted \(admitted.count), applies \(snapshot.applies.count) \(results.sorted { $0.key < $1.key }), live steered \(snapshot.liveSteered.count), handles \(handles) \(outcomes.sorted { $0.key < $1.key }), stats \(stats.sorted { $0.key < $1.key })"
            )
        }
    }
}
