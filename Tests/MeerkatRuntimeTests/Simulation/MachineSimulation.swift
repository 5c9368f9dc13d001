import Foundation
import MeerkatCore
import MeerkatRuntime
import Testing

/// Randomized, seeded simulation of the pure `RuntimeMachine` (RUNTIME.md §5, §7.3, §8, §11.2): thousands of random
/// operations per seed, with every invariant checked after every step. Reproduce a failure with
/// `MEERKAT_SIM_SEED=<seed> swift test --skip-build --filter MachineSimulation`.
@Suite("Runtime simulation: machine")
struct MachineSimulationTests {
    static let seeds = SimSeeds.seeds(default: 20, salt: 0x4D41_4348)
    static let steps = 2_000

    @Test("random operations keep every machine invariant", arguments: seeds)
    func randomOperations(seed: UInt64) {
        var sim = MachineSimulation(seed: seed)
        sim.run(steps: Self.steps)
        // The run must have exercised the interesting paths, or the simulation proves little.
        if !sim.failed {
            // (Live steers and the attempt cap are rarer: most seeds take them, not necessarily every one.)
            for path in ["admit", "dedup", "beginRun", "consumed", "replay", "crash", "refused"] {
                #expect(sim.stats[path, default: 0] > 0, "seed \(seed): path \(path) never taken")
            }
        }
    }

    /// The SQLite realm stores these rows with `WireJSON.encodeBytes`; recovery's compare-and-swap compares stored
    /// text, so it must be byte for byte what `JSONEncoder` writes, for every row shape the machine produces.
    @Test("every simulated row encodes to JSONEncoder's bytes", arguments: seeds.prefix(5))
    func rowsEncodeAsJSONEncoderDoes(seed: UInt64) throws {
        var sim = MachineSimulation(seed: seed)
        sim.run(steps: 500)
        let encoder = WireJSON.encoder()
        #expect(!sim.rows.isEmpty)
        for row in sim.rows.values {
            #expect(try WireJSON.encodeBytes(row) == Array(encoder.encode(row)), "seed \(seed), input \(row.inputID)")
        }
    }
}

/// One seeded run of the machine simulation.
struct MachineSimulation {
    let seed: UInt64
    var rng: SimRandom
    var factory: SimInputFactory
    var runIDs = SimIDs(space: 0xB0)
    var machine: RuntimeMachine
    var step = 0
    private(set) var failed = false
    var stats: [String: Int] = [:]
    var peakTracked = 0

    let runtimeID: LogicalRuntimeID = "rt:sim"
    let epoch = Date(timeIntervalSince1970: 1_700_000_000)
    /// Every input ever accepted, by id.
    var inputs: [InputID: Input] = [:]
    /// The simulated store: one row per accepted input (terminal ones stay after the machine archives them).
    var rows: [InputID: StoredInputState] = [:]
    /// Committed boundary receipts ("run#sequence").
    var receipts: Set<String> = []
    /// Every terminal outcome ever observed: a terminal input never changes afterwards.
    var terminals: [InputID: InputTerminalOutcome] = [:]
    /// The strongest signal of admissions since the last `takeSignal`.
    var expectedSignal: AdmissionSignal = .none
    /// The largest admission sequence observed so far (newly minted ones must exceed it).
    var maxSequence: UInt64 = 0

    init(seed: UInt64) {
        self.seed = seed
        rng = SimRandom(seed: seed)
        factory = SimInputFactory(space: 0xA0, allowEphemeral: true)
        machine = RuntimeMachine(runtimeID: runtimeID)
    }

    mutating func fail(_ message: String) {
        guard !failed else { return }
        failed = true
        Issue.record("seed \(seed) step \(step): \(message)")
    }

    mutating func count(_ path: String) { stats[path, default: 0] += 1 }

    // MARK: Driver

    mutating func run(steps: Int) {
        for index in 1...steps {
            step = index
            performRandomOperation()
            if failed { return }
            checkEvents()
            checkInvariants()
            if failed { return }
            syncRows()
            peakTracked = max(peakTracked, machine.inputs.count)
        }
        if ProcessInfo.processInfo.environment["MEERKAT_SIM_VERBOSE"] != nil {
            print(
                "seed \(seed): peak tracked \(peakTracked), rows \(rows.count), stats \(stats.sorted { $0.key < $1.key })"
            )
        }
    }

    mutating func performRandomOperation() {
        // Nudge the machine out of states where almost every operation is refused.
        switch machine.state {
        case .destroyed where rng.chance(35):
            crashAndRecover()
            return
        case .initializing where rng.chance(60), .stopped where rng.chance(15):
            initialize()
            return
        case .retired where rng.chance(15):
            if rng.chance(50) { reset() } else { recycle() }
            return
        default: break
        }
        let weights = [
            24,  // 0 admit
            3,  // 1 takeSignal
            17,  // 2 beginRun
            16,  // 3 finishRun
            4,  // 4 live steers
            3,  // 5 liveBoundaryUnavailable
            2,  // 6 resolveUnstageable
            12,  // 7 archive
            2,  // 8 retire
            2,  // 9 reset
            1,  // 10 stop
            1,  // 11 destroy
            2,  // 12 recycle
            2,  // 13 initialize
            3,  // 14 attach
            1,  // 15 detach
            1,  // 16 crash + recover
        ]
        switch rng.weighted(weights) {
        case 0: admit()
        case 1: takeSignal()
        case 2: beginRun()
        case 3: finishRun()
        case 4: liveSteers()
        case 5: liveBoundaryUnavailable()
        case 6: resolveUnstageable()
        case 7: archive()
        case 8: retire()
        case 9: reset()
        case 10: stop()
        case 11: destroy()
        case 12: recycle()
        case 13: initialize()
        case 14: attach()
        case 15: detach()
        default: crashAndRecover()
        }
    }

    /// Runs a machine operation, checking it was refused exactly when `legal` says so (nil: not classified) and that a
    /// refused operation changed nothing.
    mutating func attempt<T>(
        _ name: String, legal: Bool?, _ body: (inout RuntimeMachine) throws(MachineGuardError) -> T
    ) -> T? {
        let before = machine
        do {
            let result = try body(&machine)
            if legal == false { fail("\(name) was allowed in state \(before.state) but must be refused") }
            return result
        } catch {
            if legal == true { fail("\(name) was refused in state \(before.state): \(error)") }
            if machine != before { fail("refused \(name) changed the machine (\(error))") }
            count("refused")
            return nil
        }
    }

    // MARK: Queries

    func sortedIDs(_ predicate: (RuntimeMachine.InputFacts) -> Bool) -> [InputID] {
        machine.inputs.filter { predicate($0.value) }.map(\.key).simSorted()
    }

    static func laneOrder(_ machine: RuntimeMachine, _ lane: InputLane) -> [InputID] {
        machine.inputs.filter { $0.value.phase == .queued && $0.value.lane == lane }
            .sorted { ($0.value.admissionSequence, $0.key) < ($1.value.admissionSequence, $1.key) }.map(\.key)
    }

    /// A batch value to fabricate probes from (`RunBatch` is only minted by the machine).
    static let templateBatch: RunBatch = {
        var scratch = RuntimeMachine(runtimeID: "rt:template")
        try? scratch.initialize()
        _ = try? scratch.admit(.prompt(PromptInput(content: .text("template"))))
        return scratch.nextBatch()!
    }()

    static func batch(_ lane: InputLane, _ ids: [InputID]) -> RunBatch {
        var batch = templateBatch
        batch.lane = lane
        batch.inputIDs = ids
        return batch
    }

    /// RUNTIME.md §7.3, written independently of the machine: steer lane first; a queue-lane prompt runs alone;
    /// otherwise the maximal prefix sharing the head's semantics.
    static func expectedBatch(_ machine: RuntimeMachine) -> RunBatch? {
        guard [.idle, .attached, .retired].contains(machine.state) else { return nil }
        let steer = laneOrder(machine, .steer)
        if let head = steer.first, let headFacts = machine.inputs[head] {
            let members = steer.prefix { id in
                let facts = machine.inputs[id]!
                return facts.semantics.boundary == headFacts.semantics.boundary
                    && facts.semantics.executionKind == headFacts.semantics.executionKind
                    && facts.semantics.peerResponseTerminalApplyIntent
                        == headFacts.semantics.peerResponseTerminalApplyIntent
            }
            return batch(.steer, Array(members))
        }
        let queue = laneOrder(machine, .queue)
        guard let head = queue.first, let headFacts = machine.inputs[head] else { return nil }
        if headFacts.kind == .prompt { return batch(.queue, [head]) }
        let members = queue.prefix { id in
            let facts = machine.inputs[id]!
            return facts.kind != .prompt && facts.semantics.executionKind == headFacts.semantics.executionKind
                && facts.semantics.peerResponseTerminalApplyIntent
                    == headFacts.semantics.peerResponseTerminalApplyIntent
        }
        return batch(.queue, Array(members))
    }

    // MARK: Admission

    mutating func admit() {
        let before = machine
        var generated = factory.make(&rng)
        var redelivery = false
        if rng.chance(6), let id = rng.pick(before.inputs.keys.simSorted()), let input = inputs[id] {
            generated = SimInput(input: input, expectRejected: false)
            redelivery = true
        }
        let input = generated.input
        let withoutWake = rng.chance(10)
        let legal = before.state.acceptsInput && !(before.state == .running && before.preRunPhase == .retired)
        guard
            let decision = attempt(
                "admit", legal: legal,
                { m throws(MachineGuardError) in
                    try m.admit(input, withoutWake: withoutWake)
                })
        else { return }
        count("admit")
        // The preview (RUNTIME.md §3.1 step 2) decides exactly what the admission did.
        if let preview = try? before.previewAdmission(input, withoutWake: withoutWake), preview != decision {
            fail("preview \(preview) differs from the admission \(decision)")
        }
        let key = input.header.idempotencyKey
        switch decision {
        case .invalid(let failure):
            fail("admit of a well-formed input failed its pre-check: \(failure)")
        case .rejected(let reason):
            if !generated.expectRejected { fail("admit rejected \(input.kind) \(input.id): \(reason)") }
            if machine != before { fail("a rejected admission changed the machine") }
        case .deduplicated(let existing, let seed):
            count("dedup")
            let expected = key.flatMap { before.idempotency[$0] } ?? (before.inputs[input.id] != nil ? input.id : nil)
            if generated.expectRejected { fail("an invalid input was deduplicated instead of rejected") }
            if existing != expected {
                fail("dedup of \(input.id) points at \(existing), expected \(String(describing: expected))")
            }
            if seed != before.inputs[existing]?.seed { fail("dedup returned a seed that is not the existing input's") }
            if machine.inputs != before.inputs || machine.idempotency != before.idempotency {
                fail("a deduplicated admission changed tracked inputs")
            }
        case .accepted(let accepted):
            if generated.expectRejected { fail("invalid \(input.kind) input was accepted") }
            if redelivery { fail("redelivery of tracked input \(input.id) was admitted again") }
            if let key, let bound = before.idempotency[key] { fail("key \(key) bound to \(bound) but admitted again") }
            checkAccepted(input, accepted, before: before, withoutWake: withoutWake)
        }
    }

    mutating func checkAccepted(
        _ input: Input, _ accepted: AcceptedAdmission, before: RuntimeMachine, withoutWake: Bool
    ) {
        guard let facts = machine.inputs[input.id] else { return fail("accepted input \(input.id) is not tracked") }
        inputs[input.id] = input
        var state = InputState(admitting: input, plan: accepted.plan, at: epoch)
        state.durability = input.header.durability
        rows[input.id] = StoredInputState(state: state, seed: facts.seed)
        if facts.admissionSequence <= maxSequence { fail("admission sequence \(facts.admissionSequence) not fresh") }
        if facts.attempts != 0 || facts.lastRunID != nil { fail("a new input starts with attempts or a run") }
        if let lane = SimInputFactory.expectedLane(input) {
            if facts.phase != .queued || facts.lane != lane {
                fail("\(input.kind) admitted to \(String(describing: facts.lane)) / \(facts.phase), expected \(lane)")
            }
        } else if facts.phase != .consumed || facts.terminal != .consumed {
            fail("operation not consumed on accept")
        }
        if withoutWake, accepted.signal != .none { fail("admission without wake signalled \(accepted.signal)") }
        expectedSignal = expectedSignal.merged(with: accepted.signal)
        if machine.pendingSignal != expectedSignal {
            fail("pending signal \(machine.pendingSignal), expected \(expectedSignal)")
        }
        // RUNTIME.md §6: only a progress update coalesces, the first queued match (queue lane, then steer lane).
        var expectedCoalesced: InputID?
        if input.kind == .peerResponseProgress, let scope = input.supersessionScope(in: runtimeID) {
            expectedCoalesced = (Self.laneOrder(before, .queue) + Self.laneOrder(before, .steer)).first {
                inputs[$0]?.supersessionScope(in: runtimeID) == scope
            }
        }
        if accepted.coalescedInputID != expectedCoalesced {
            fail(
                "coalesced \(String(describing: accepted.coalescedInputID)), expected \(String(describing: expectedCoalesced))"
            )
        }
        if let older = expectedCoalesced {
            count("coalesce")
            if machine.inputs[older]?.terminal != .coalesced(aggregateID: input.id) {
                fail("older progress \(older) not coalesced into \(input.id)")
            }
        }
    }

    mutating func takeSignal() {
        let signal = machine.takeSignal()
        if signal != expectedSignal { fail("takeSignal returned \(signal), expected \(expectedSignal)") }
        expectedSignal = .none
        if machine.pendingSignal != .none { fail("takeSignal did not clear the signal") }
    }

    // MARK: Runs

    mutating func beginRun() {
        let before = machine
        let batch = machine.nextBatch()
        let expected = Self.expectedBatch(before)
        if batch != expected {
            return fail(
                "nextBatch \(String(describing: batch)) but RUNTIME.md §7.3 selects \(String(describing: expected))")
        }
        guard let batch else {
            // Probe: staging anything is refused when the machine authorises no batch.
            if let id = rng.pick(sortedIDs { $0.phase == .queued }) {
                _ = attempt("beginRun(unauthorised)", legal: false) { m throws(MachineGuardError) in
                    try m.beginRun(RunID(), batch: Self.batch(m.facts(id)?.lane ?? .queue, [id]))
                }
            }
            return
        }
        checkBatchShape(batch, in: before)
        if rng.chance(8) {
            // Probe: a batch other than the authorised one is refused.
            let bogus =
                batch.inputIDs.count > 1
                ? Self.batch(batch.lane, Array(batch.inputIDs.dropFirst()))
                : Self.batch(batch.lane == .queue ? .steer : .queue, batch.inputIDs)
            _ = attempt("beginRun(bogus batch)", legal: false) { m throws(MachineGuardError) in
                try m.beginRun(RunID(), batch: bogus)
            }
            return
        }
        let run = runIDs.run()
        guard
            attempt("beginRun", legal: true, { m throws(MachineGuardError) in try m.beginRun(run, batch: batch) })
                != nil
        else { return }
        count("beginRun")
        if machine.state != .running || machine.currentRun != run || machine.preRunPhase != before.state {
            fail("beginRun left state \(machine.state), run \(String(describing: machine.currentRun))")
        }
        for id in batch.inputIDs {
            guard let facts = machine.inputs[id], let old = before.inputs[id] else { continue }
            if facts.phase != .staged || facts.lastRunID != run || facts.lane != nil
                || facts.attempts != old.attempts + 1
            {
                fail("member \(id) not staged for \(run) with one more attempt")
            }
            if batch.lane == .steer, facts.semantics != old.semantics.normalizedToQueue() {
                fail("steer batch member \(id) not normalised to an ordinary turn")
            }
        }
    }

    /// Contributors follow admission order: each batch is sorted by admission sequence and is a prefix of its lane.
    mutating func checkBatchShape(_ batch: RunBatch, in before: RuntimeMachine) {
        let lane = Self.laneOrder(before, batch.lane)
        if Array(lane.prefix(batch.inputIDs.count)) != batch.inputIDs {
            fail("batch \(batch.inputIDs) is not the head of the \(batch.lane) lane \(lane)")
        }
        let sequences = batch.inputIDs.compactMap { before.inputs[$0]?.admissionSequence }
        if sequences != sequences.sorted() { fail("batch out of admission order: \(sequences)") }
    }

    mutating func finishRun() {
        let before = machine
        guard let run = before.currentRun else {
            _ = attempt("finishRun(no run)", legal: false) { m throws(MachineGuardError) in
                try m.finishRun(RunID(), .replay)
            }
            return
        }
        if rng.chance(5) {
            _ = attempt("finishRun(stale run)", legal: false) { m throws(MachineGuardError) in
                try m.finishRun(RunID(), .consumed(boundarySequence: 1))
            }
            return
        }
        let members = before.inputs.filter { $0.value.phase == .staged }.map(\.key).simSorted()
        let hadQueued = before.hasQueuedInput
        let disposition: RunDisposition
        switch rng.weighted([50, 35, 10, 5]) {
        case 0:
            guard
                let sequence = attempt(
                    "recordBoundary", legal: true,
                    { m throws(MachineGuardError) in
                        try m.recordBoundary(run)
                    })
            else { return }
            if sequence != before.boundaryCounter + 1 { fail("boundary sequence \(sequence) not dense") }
            receipts.insert("\(run)#\(sequence)")
            disposition = .consumed(boundarySequence: sequence)
        case 1: disposition = .replay
        case 2: disposition = .cancelled
        default: disposition = .neverExecuted
        }
        let beforeFinish = machine
        guard
            let settlement = attempt(
                "finishRun", legal: true,
                { m throws(MachineGuardError) in
                    try m.finishRun(run, disposition)
                })
        else { return }
        if machine.state != beforeFinish.preRunPhase || machine.currentRun != nil || machine.preRunPhase != nil {
            fail("finishRun did not return to the pre-run phase \(String(describing: beforeFinish.preRunPhase))")
        }
        let settled = Set(settlement.consumed + settlement.requeued + settlement.abandoned)
        if settled != Set(members) { fail("settlement \(settlement) does not cover the staged members \(members)") }
        for id in members {
            guard let facts = machine.inputs[id], let old = before.inputs[id] else { continue }
            switch disposition {
            case .consumed(let sequence):
                count("consumed")
                if facts.terminal != .consumed || facts.boundarySequence != sequence {
                    fail("member \(id) not consumed at boundary \(sequence)")
                }
            case .replay:
                if old.attempts < InputStateSeed.maxStageAttempts {
                    count("replay")
                    if facts.phase != .queued || facts.lane != old.recoveryLane {
                        fail("replayed member \(id) not back in its lane")
                    }
                    let deferred = facts.admissionSequence > maxSequence
                    if hadQueued != deferred {
                        fail("replayed member \(id) deferred=\(deferred) but other queued work=\(hadQueued)")
                    }
                } else {
                    count("abandonedAtCap")
                    if facts.terminal != .abandoned(reason: .maxAttemptsExhausted(attempts: old.attempts)) {
                        fail("member \(id) at the attempt cap not abandoned: \(String(describing: facts.terminal))")
                    }
                }
            case .cancelled:
                if facts.terminal != .abandoned(reason: .cancelled) { fail("cancelled member \(id) not abandoned") }
            case .neverExecuted:
                if facts.terminal != .abandoned(reason: .neverExecuted) {
                    fail("never-executed member \(id) not abandoned never_executed")
                }
            }
        }
    }

    mutating func liveSteers() {
        let before = machine
        guard let run = before.currentRun else {
            if let id = rng.pick(sortedIDs { $0.phase == .queued && $0.lane == .steer }) {
                _ = attempt("applyLiveSteers(not running)", legal: false) { m throws(MachineGuardError) in
                    try m.applyLiveSteers([id], run: RunID())
                }
            }
            return
        }
        let expected = Self.laneOrder(before, .steer).filter {
            before.inputs[$0]?.semantics.contributesLiveSteerContext == true
        }
        if before.liveSteerCandidates() != expected {
            return fail("live steer candidates \(before.liveSteerCandidates()), expected \(expected)")
        }
        if rng.chance(5), let head = expected.first {
            // Probe: naming the same input twice is refused (it would stage a consumed input again).
            _ = attempt("applyLiveSteers(duplicate)", legal: false) { m throws(MachineGuardError) in
                try m.applyLiveSteers([head, head], run: run)
            }
            return
        }
        if rng.chance(20) || expected.isEmpty {
            // Probe: a non-candidate (queue lane, staged or terminal) or a stale run is refused.
            let others = sortedIDs { _ in true }.filter { !expected.contains($0) }
            if let id = rng.pick(others) {
                _ = attempt("applyLiveSteers(non-candidate)", legal: false) { m throws(MachineGuardError) in
                    try m.applyLiveSteers([id], run: run)
                }
            } else if let id = expected.first {
                _ = attempt("applyLiveSteers(stale run)", legal: false) { m throws(MachineGuardError) in
                    try m.applyLiveSteers([id], run: RunID())
                }
            }
            return
        }
        let ids = rng.chance(50) ? [expected[0]] : expected
        guard
            let sequence = attempt(
                "applyLiveSteers", legal: true,
                { m throws(MachineGuardError) in
                    try m.applyLiveSteers(ids, run: run)
                })
        else { return }
        count("liveSteer")
        receipts.insert("\(run)#\(sequence)")
        if sequence != before.boundaryCounter + 1 { fail("live boundary sequence \(sequence) not dense") }
        for id in ids {
            guard let facts = machine.inputs[id] else { continue }
            if facts.terminal != .consumed || facts.boundarySequence != sequence || facts.lastRunID != run {
                fail("live steer \(id) not consumed at boundary \(sequence) of \(run)")
            }
        }
        if machine.state != .running || machine.currentRun != run { fail("a live steer ended the run") }
    }

    mutating func liveBoundaryUnavailable() {
        let before = machine
        let steering = sortedIDs { $0.phase == .queued && $0.lane == .steer }
        guard let id = rng.pick(steering), !rng.chance(15) else {
            let other = rng.pick(sortedIDs { !($0.phase == .queued && $0.lane == .steer) }) ?? factory.ids.input()
            _ = attempt("liveBoundaryUnavailable(not a queued steer)", legal: false) { m throws(MachineGuardError) in
                try m.liveBoundaryUnavailable(other)
            }
            return
        }
        guard
            attempt(
                "liveBoundaryUnavailable", legal: true,
                { m throws(MachineGuardError) in
                    try m.liveBoundaryUnavailable(id)
                }) != nil, let facts = machine.inputs[id], let old = before.inputs[id]
        else { return }
        count("fallback")
        if facts.phase != .queued || facts.lane != .queue || facts.recoveryLane != .queue
            || facts.semantics != old.semantics.normalizedToQueue() || facts.admissionSequence != old.admissionSequence
        {
            fail("live-boundary fallback of \(id) did not make it an ordinary queued turn")
        }
    }

    mutating func resolveUnstageable() {
        let before = machine
        var ids = Self.expectedBatch(before)?.inputIDs ?? Array(Self.laneOrder(before, .queue).prefix(2))
        var legal = true
        if rng.chance(15), let other = rng.pick(sortedIDs { $0.phase != .queued }) {
            ids.append(other)
            legal = false
        } else if rng.chance(5), let first = ids.first {
            ids.append(first)  // the same input twice would take two attempts for one refusal
            legal = false
        }
        guard !ids.isEmpty,
            let abandoned = attempt(
                "resolveUnstageable", legal: legal,
                { m throws(MachineGuardError) in
                    try m.resolveUnstageable(ids)
                })
        else { return }
        count("unstageable")
        var expectedAbandoned: [InputID] = []
        var lastSequence = maxSequence
        for id in ids {
            guard let facts = machine.inputs[id], let old = before.inputs[id] else { continue }
            if facts.attempts != old.attempts + 1 { fail("unstageable \(id) did not take an attempt") }
            if facts.attempts < InputStateSeed.maxStageAttempts {
                if facts.phase != .queued || facts.admissionSequence <= lastSequence {
                    fail("unstageable \(id) not moved to the back of its lane")
                }
                lastSequence = facts.admissionSequence
            } else {
                count("abandonedAtCap")
                expectedAbandoned.append(id)
                if facts.terminal != .abandoned(reason: .maxAttemptsExhausted(attempts: facts.attempts)) {
                    fail("unstageable \(id) at the cap not abandoned")
                }
            }
        }
        if abandoned != expectedAbandoned {
            fail("resolveUnstageable reported \(abandoned), expected \(expectedAbandoned)")
        }
    }

    mutating func archive() {
        let before = machine
        if rng.chance(85), let id = rng.pick(sortedIDs { $0.phase.isTerminal }) {
            guard attempt("archive", legal: true, { m throws(MachineGuardError) in try m.archive(id) }) != nil else {
                return
            }
            count("archive")
            if machine.inputs[id] != nil { fail("archived \(id) still tracked") }
            if let key = before.inputs[id]?.idempotencyKey, before.idempotency[key] == id,
                machine.idempotency[key] != nil
            {
                fail("archive kept the idempotency binding of \(id)")
            }
        } else {
            let id = rng.pick(sortedIDs { !$0.phase.isTerminal }) ?? factory.ids.input()
            _ = attempt("archive(non-terminal)", legal: false) { m throws(MachineGuardError) in try m.archive(id) }
        }
    }

    // MARK: Control

    mutating func retire() {
        let before = machine
        let legal = ![.initializing, .destroyed].contains(before.state)
        guard attempt("retire", legal: legal, { m throws(MachineGuardError) in try m.retire() }) != nil else { return }
        if before.state == .running {
            if machine.state != .running || machine.preRunPhase != .retired { fail("retire during a run not deferred") }
        } else if machine.state != .retired {
            fail("retire from \(before.state) left \(machine.state)")
        }
        if machine.inputs != before.inputs { fail("retire changed inputs") }
    }

    mutating func reset() {
        let before = machine
        let legal = [.initializing, .idle, .attached, .retired].contains(before.state)
        guard let abandoned = attempt("reset", legal: legal, { m throws(MachineGuardError) in try m.reset() }) else {
            return
        }
        checkAbandonedAll(abandoned, before: before, reason: .reset)
        if machine.state != .idle || !machine.silentIntents.isEmpty { fail("reset did not return to a clean idle") }
    }

    mutating func stop() {
        let before = machine
        let legal = ![.initializing, .destroyed].contains(before.state)
        guard let abandoned = attempt("stop", legal: legal, { m throws(MachineGuardError) in try m.stop() }) else {
            return
        }
        checkAbandonedAll(abandoned, before: before, reason: .stopped)
        let resting = before.state == .running ? before.preRunPhase : before.state
        let expected: RuntimeState = resting == .retired ? .retired : .stopped
        if machine.state != expected { fail("stop from \(before.state) left \(machine.state), expected \(expected)") }
    }

    mutating func destroy() {
        let before = machine
        guard
            let abandoned = attempt(
                "destroy", legal: before.state != .destroyed,
                { m throws(MachineGuardError) in
                    try m.destroy()
                })
        else { return }
        checkAbandonedAll(abandoned, before: before, reason: .destroyed)
        if machine.state != .destroyed { fail("destroy left \(machine.state)") }
    }

    mutating func checkAbandonedAll(_ abandoned: [InputID], before: RuntimeMachine, reason: InputAbandonReason) {
        if abandoned != before.activeInputIDs {
            fail("\(reason) abandoned \(abandoned), expected \(before.activeInputIDs)")
        }
        for id in abandoned where machine.inputs[id]?.terminal != .abandoned(reason: reason) {
            fail("\(id) not abandoned \(reason)")
        }
        if !machine.activeInputIDs.isEmpty || machine.currentRun != nil { fail("\(reason) left active work") }
    }

    mutating func recycle() {
        let before = machine
        let legal = [.idle, .retired, .attached].contains(before.state)
        guard let transferred = attempt("recycle", legal: legal, { m throws(MachineGuardError) in try m.recycle() })
        else { return }
        let expected: RuntimeState = before.state == .attached ? .attached : .idle
        if machine.state != expected { fail("recycle from \(before.state) left \(machine.state)") }
        if transferred != before.activeInputIDs || machine.activeInputIDs != before.activeInputIDs {
            fail("recycle did not preserve the active inputs")
        }
        for id in transferred where machine.inputs[id]?.phase != .queued { fail("recycled \(id) not queued") }
    }

    mutating func initialize() {
        let before = machine
        guard
            attempt(
                "initialize", legal: before.state != .destroyed,
                { m throws(MachineGuardError) in
                    try m.initialize()
                }) != nil
        else { return }
        let expected: RuntimeState = [.initializing, .stopped].contains(before.state) ? .idle : before.state
        if machine.state != expected { fail("initialize from \(before.state) left \(machine.state)") }
        if before.state == .initializing { machine.silentIntents = [SimInputFactory.silentIntent] }
    }

    mutating func attach() {
        let before = machine
        let legal = ![.initializing, .destroyed].contains(before.state)
        guard attempt("attach", legal: legal, { m throws(MachineGuardError) in try m.attach() }) != nil else {
            return
        }
        let expected: RuntimeState = [.idle, .stopped].contains(before.state) ? .attached : before.state
        if machine.state != expected { fail("attach from \(before.state) left \(machine.state)") }
    }

    mutating func detach() {
        let before = machine
        machine.detach()
        let expected: RuntimeState = before.state == .attached ? .idle : before.state
        if machine.state != expected { fail("detach from \(before.state) left \(machine.state)") }
        if before.state == .running, before.preRunPhase == .attached, machine.preRunPhase != .idle {
            fail("detach during a run must make the run end idle")
        }
    }

    // MARK: Crash and recovery

    /// Serialises the machine's inputs to stored rows (some staged rows observed as applied, some with their
    /// receipt), rebuilds the machine with `RuntimeMachine.recover` and checks RUNTIME.md §11.2 per row.
    mutating func crashAndRecover() {
        count("crash")
        var crashed = rows
        var observed = receipts
        for id in machine.activeInputIDs {
            guard var row = crashed[id] else { continue }
            switch row.seed.phase {
            case .staged where rng.chance(50):
                // The dead process got as far as applying the boundary; its receipt may or may not be committed.
                row.seed.phase = rng.chance(50) ? .applied : .appliedPendingConsumption
                row.seed.lastBoundarySequence = machine.boundaryCounter + 1
                if rng.chance(50), let run = row.seed.lastRunID {
                    observed.insert("\(run)#\(machine.boundaryCounter + 1)")
                }
            case .queued where rng.chance(3):
                row.seed.phase = .accepted  // an old-style accepted row
            case .queued where rng.chance(3):
                row.seed.admissionSequence = nil  // re-minted at the back
            default: continue
            }
            crashed[id] = row
        }
        let receiptSet = observed
        let plan: RecoveryPlan
        do {
            plan = try RuntimeMachine.recover(
                runtimeID: runtimeID, rows: Array(crashed.values),
                receiptExists: { run, sequence in receiptSet.contains("\(run)#\(sequence)") }, now: epoch)
        } catch {
            return fail("recovery failed: \(error)")
        }
        let recovered = plan.machine
        if recovered.state != .idle || recovered.currentRun != nil { fail("recovery did not come back idle") }
        let rewrites = Dictionary(plan.rewrites.map { ($0.next.inputID, $0.next) }, uniquingKeysWith: { $1 })
        let discarded = Set(plan.discards.map(\.inputID))
        var requeued = 0
        var minted: [InputID] = []
        let lastSequence = crashed.values.compactMap(\.seed.admissionSequence).max() ?? 0
        for (id, row) in crashed {
            let facts = recovered.inputs[id]
            if row.isTerminal {
                if facts != nil { fail("terminal row \(id) re-entered the machine") }
                continue
            }
            if row.state.durability == .ephemeral {
                if facts != nil { fail("ephemeral row \(id) survived recovery") }
                if !discarded.contains(id) { fail("ephemeral row \(id) not discarded") }
                continue
            }
            let receipt = row.seed.lastRunID.map { receiptSet.contains("\($0)#\(row.seed.lastBoundarySequence ?? 0)") }
            if [.applied, .appliedPendingConsumption].contains(row.seed.phase), receipt == true {
                if facts != nil { fail("applied row \(id) with a committed receipt still tracked") }
                if rewrites[id]?.seed.terminalOutcome != .consumed {
                    fail("applied row \(id) with receipt not consumed")
                }
                continue
            }
            let exhausted =
                [.staged, .applied, .appliedPendingConsumption].contains(row.seed.phase)
                && row.seed.attemptCount >= InputStateSeed.maxStageAttempts
            if exhausted {
                // The dead process spent the last attempt: replaying it would exceed the retry budget.
                let rewritten = rewrites[id]
                let outcome = InputTerminalOutcome.abandoned(
                    reason: .maxAttemptsExhausted(attempts: row.seed.attemptCount))
                if facts != nil || rewritten?.seed.terminalOutcome != outcome {
                    fail("row \(id) staged at the attempt cap recovered as \(String(describing: facts?.phase))")
                }
                count("abandonedAtCap")
                continue
            }
            guard let facts else {
                fail("active row \(id) (\(row.seed.phase)) lost by recovery")
                continue
            }
            if row.seed.phase != .queued { requeued += 1 }
            let lane = row.seed.recoveryLane ?? .queue
            if facts.phase != .queued || facts.lane != lane || facts.attempts != row.seed.attemptCount {
                fail("row \(id) (\(row.seed.phase)) recovered as \(facts.phase) in \(String(describing: facts.lane))")
            }
            if let sequence = row.seed.admissionSequence {
                if facts.admissionSequence != sequence { fail("recovery changed the order token of \(id)") }
            } else {
                minted.append(id)
                if facts.admissionSequence <= lastSequence { fail("re-minted sequence of \(id) not at the back") }
            }
            if lane == .steer, facts.semantics.contributesLiveSteerContext {
                fail("recovered steer \(id) still expects a live boundary of a dead run")
            }
            if let key = row.state.idempotencyKey, recovered.idempotency[key] != id {
                fail("idempotency binding of \(id) not rebuilt")
            }
        }
        minted = minted.simSorted()
        let mintedOrder = minted.sorted {
            recovered.inputs[$0]!.admissionSequence < recovered.inputs[$1]!.admissionSequence
        }
        if mintedOrder != minted { fail("re-minted sequences not in id order") }
        if plan.report.inputsRequeued != requeued {
            fail("recovery reported \(plan.report.inputsRequeued) requeued, expected \(requeued)")
        }
        machine = recovered
        _ = machine.takeEvents()
        expectedSignal = .none
        rows = crashed
        for (_, next) in plan.rewrites { rows[next.inputID] = next }
        for row in plan.discards { rows.removeValue(forKey: row.inputID) }
        receipts = observed
        maxSequence = rows.values.compactMap(\.seed.admissionSequence).max() ?? 0
        // Terminal rows are outside every later recovery set: keep only the one holding the highest sequence (recovery
        // mints after it), so the simulated store stays small.
        let newest = rows.values.filter(\.isTerminal).max {
            ($0.seed.admissionSequence ?? 0) < ($1.seed.admissionSequence ?? 0)
        }
        for (id, row) in rows where row.isTerminal {
            if terminals[id] == nil { terminals[id] = row.seed.terminalOutcome }
            if id != newest?.inputID { rows.removeValue(forKey: id) }
        }
        if rng.chance(50) { machine.silentIntents = [SimInputFactory.silentIntent] }
    }

    // MARK: Invariants

    mutating func checkEvents() {
        for event in machine.takeEvents() {
            if case .inputStateTransitioned(let id, let from, let to) = event, from.isTerminal {
                fail("event moved terminal input \(id) from \(from) to \(to)")
            }
        }
    }

    mutating func checkInvariants() {
        let m = machine
        if (m.state == .running) != (m.currentRun != nil) {
            fail("state \(m.state) with current run \(String(describing: m.currentRun))")
        }
        if m.state == .running {
            if ![.idle, .attached, .retired].contains(m.preRunPhase) {
                fail("running with pre-run phase \(String(describing: m.preRunPhase))")
            }
        } else if m.preRunPhase != nil {
            fail("pre-run phase \(String(describing: m.preRunPhase)) outside a run")
        }
        for (id, facts) in m.inputs {
            if facts.phase.isTerminal != (facts.terminal != nil)
                || (facts.terminal.map { $0.phase != facts.phase } ?? false)
            {
                fail("\(id): phase \(facts.phase) disagrees with outcome \(String(describing: facts.terminal))")
            }
            if (facts.phase == .queued) != (facts.lane != nil) {
                fail("\(id): phase \(facts.phase) with lane \(String(describing: facts.lane))")
            }
            if facts.phase == .queued, facts.lane != facts.recoveryLane {
                fail("\(id): queued in \(String(describing: facts.lane)) but recovery lane \(facts.recoveryLane)")
            }
            if !(facts.phase == .queued || facts.phase == .staged || facts.phase.isTerminal) {
                fail("\(id): resting in phase \(facts.phase)")
            }
            if facts.phase == .staged, m.state != .running || facts.lastRunID != m.currentRun {
                fail(
                    "\(id): staged for \(String(describing: facts.lastRunID)) but current run is \(String(describing: m.currentRun))"
                )
            }
            if facts.phase == .queued, facts.attempts >= InputStateSeed.maxStageAttempts {
                fail("\(id): queued with \(facts.attempts) attempts")
            }
            if !facts.phase.isTerminal, facts.attempts > InputStateSeed.maxStageAttempts {
                fail("\(id): \(facts.attempts) attempts")
            }
            if case .abandoned(.maxAttemptsExhausted(let attempts))? = facts.terminal,
                attempts != InputStateSeed.maxStageAttempts || facts.attempts != InputStateSeed.maxStageAttempts
            {
                fail("\(id): max_attempts_exhausted with \(attempts) (facts \(facts.attempts))")
            }
            if let key = facts.idempotencyKey, m.idempotency[key] != id {
                fail("\(id): key \(key) bound to \(String(describing: m.idempotency[key]))")
            }
            if let shadow = terminals[id], facts.terminal != shadow {
                fail("terminal \(id) changed from \(shadow) to \(facts.phase) \(String(describing: facts.terminal))")
            }
            if let terminal = facts.terminal, terminals[id] == nil { terminals[id] = terminal }
            maxSequence = max(maxSequence, facts.admissionSequence)
        }
        for (key, id) in m.idempotency where m.inputs[id]?.idempotencyKey != key {
            fail("key \(key) points at \(id), which is untracked or has another key")
        }
    }

    /// The simulated store follows the machine (what the driver writes after each change).
    mutating func syncRows() {
        for (id, facts) in machine.inputs {
            rows[id]?.seed = facts.seed
            rows[id]?.state.runtimeSemantics = facts.semantics
        }
    }
}
