import Foundation
import MeerkatCore
import MeerkatRuntime

/// Runtime control-plane costs on the in-memory store: admission through `SessionRuntime.accept` with no loop
/// running, the pure `RuntimeMachine` per step, and accept → run → completed end to end with a trivial executor.
enum RuntimeBench {
    /// Runs every section, or those named in `MEERKAT_BENCH_RUNTIME` (comma-separated: admission, machine, loop,
    /// burst), e.g. to profile one of them. Two sections run only when named: `step` (the machine's step cycle alone,
    /// for a profile) and `layout` (the inline sizes of the step's values).
    static func run() async throws {
        let only = ProcessInfo.processInfo.environment["MEERKAT_BENCH_RUNTIME"].map {
            Set($0.split(separator: ",").map(String.init))
        }
        func wanted(_ section: String) -> Bool { only?.contains(section) ?? true }
        if wanted("admission") { try await admission(count: 20_000) }
        if wanted("machine") {
            machineAdmit(count: 100_000)
            machineCycle(count: 100_000, depth: 0)
            machineCycle(count: 20_000, depth: 100)
            machineStepCycle(count: 100_000)
        }
        if only?.contains("step") == true { machineStepCycle(count: 300_000) }
        if only?.contains("layout") == true { LayoutProbe.print() }
        if wanted("loop") { try await closedLoop(count: 20_000) }
        if wanted("burst") {
            try await burst(count: 2_000, handles: false)
            try await burst(count: 2_000, handles: true)
        }
    }

    // MARK: (a) Admission

    /// `accept` of distinct prompts on a runtime without an executor: nothing runs, so each call is admission only
    /// (machine draft, one store write, signal) and the queue grows to `count`.
    private static func admission(count: Int) async throws {
        let (runtime, _) = try await SessionRuntime.open(session: SessionID(), store: InMemoryRuntimeStore())
        let inputs = (0..<count).map { prompt("prompt number \($0)") }
        let clock = ContinuousClock()
        var samples: [Duration] = []
        samples.reserveCapacity(count)
        let start = clock.now
        for input in inputs {
            let began = clock.now
            _ = try await runtime.accept(input)
            samples.append(clock.now - began)
        }
        let total = clock.now - start
        report("accept (in-memory, loop detached, queue grows to \(count))", samples)
        report("  first 1,000 accepts", Array(samples.prefix(1000)))
        report("  last 1,000 accepts", Array(samples.suffix(1000)))
        print(
            String(
                format: "  throughput: %.0f accepts/s (%d in %.3f s)", Double(count) / total.seconds, count,
                total.seconds))
    }

    // MARK: (b) Pure machine

    /// `admit` of distinct prompts into one machine (the queue grows to `count`).
    private static func machineAdmit(count: Int) {
        var machine = RuntimeMachine(runtimeID: "rt:bench")
        try? machine.initialize()
        try? machine.attach()
        let inputs = (0..<count).map { prompt("p\($0)") }
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for input in inputs { _ = try? machine.admit(input) }
        }
        precondition(machine.inputs.count == count)
        print(
            String(
                format: "machine admit: %.0f ns/admit (%d admits, queue grows to %d)", nanos(elapsed) / Double(count),
                count, count))
    }

    /// One run cycle per iteration with `depth` other prompts waiting: admit, takeSignal, nextBatch + beginRun,
    /// recordBoundary + finishRun(consumed), archive. The admit-only cost at the same depth is measured separately and
    /// subtracted to isolate the run cycle.
    private static func machineCycle(count: Int, depth: Int) {
        let inputs = (0..<count).map { prompt("c\($0)") }
        let runs = (0..<count).map { _ in RunID() }
        let clock = ContinuousClock()

        var admitOnly = prefilled(depth: depth)
        let admitElapsed = clock.measure {
            for input in inputs {
                _ = try? admitOnly.admit(input)
                _ = admitOnly.takeSignal()
                _ = admitOnly.takeEvents()
            }
        }

        var machine = prefilled(depth: depth)
        let cycleElapsed = clock.measure {
            for (input, run) in zip(inputs, runs) {
                _ = try? machine.admit(input)
                _ = machine.takeSignal()
                guard let batch = machine.nextBatch() else { fatalError("no batch") }
                try? machine.beginRun(run, batch: batch)
                let sequence = (try? machine.recordBoundary(run)) ?? 1
                _ = try? machine.finishRun(run, .consumed(boundarySequence: sequence))
                for id in batch.inputIDs { try? machine.archive(id) }
                _ = machine.takeEvents()
            }
        }
        precondition(machine.activeInputIDs.count == depth)
        let perCycle = nanos(cycleElapsed) / Double(count)
        let perAdmit = nanos(admitElapsed) / Double(count)
        print(
            String(
                format: "machine cycle @ depth %d: %.0f ns per admit+run cycle (admit alone %.0f ns, so %.0f ns for "
                    + "nextBatch+beginRun+finishRun+archive; %d cycles)",
                depth, perCycle, perAdmit, perCycle - perAdmit, count))
    }

    /// The same cycle as the session runtime performs it, as steps (decided, then adopted; no store): admission,
    /// staging, completion. The difference to `machine cycle @ depth 0` is the cost of the step shape itself.
    private static func machineStepCycle(count: Int) {
        let inputs = (0..<count).map { prompt("s\($0)") }
        let runs = (0..<count).map { _ in RunID() }
        let stamp = Date()
        var machine = prefilled(depth: 0)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for (input, run) in zip(inputs, runs) {
                guard
                    let admission = try? machine.planAdmission(
                        input, withoutWake: false, durableDuplicate: nil, at: stamp)
                else { fatalError("admission refused") }
                machine.adopt(admission)
                guard let stage = try? machine.step(at: stamp, { try $0.stageNextRun(run) }) else {
                    fatalError("staging refused")
                }
                machine.adopt(stage)
                let draft = RunBoundaryReceiptDraft(
                    boundary: .runStart, contributingInputIDs: [input.id], messageCount: 0)
                guard
                    let settle = try? machine.step(
                        at: stamp,
                        { try $0.completeRun(run, receipt: draft, session: nil, outcome: .completedWithoutResult) })
                else { fatalError("settlement refused") }
                machine.adopt(settle)
            }
        }
        precondition(machine.activeInputIDs.isEmpty)
        print(
            String(
                format: "machine step cycle @ depth 0: %.0f ns per admit+stage+complete as steps (%d cycles)",
                nanos(elapsed) / Double(count), count))
    }

    /// A machine holding `depth` queued prompts (the backlog the cycle runs behind; FIFO order means the cycle
    /// actually runs the oldest, so the depth stays constant).
    private static func prefilled(depth: Int) -> RuntimeMachine {
        var machine = RuntimeMachine(runtimeID: "rt:bench")
        try? machine.initialize()
        try? machine.attach()
        for index in 0..<depth { _ = try? machine.admit(prompt("backlog \(index)")) }
        _ = machine.takeEvents()
        return machine
    }

    // MARK: (c) End to end

    /// accept → run → completed with an executor that completes at once, one input in flight at a time: each accept
    /// asks for a completion handle and waits for it before the next one.
    private static func closedLoop(count: Int) async throws {
        let (runtime, _) = try await SessionRuntime.open(session: SessionID(), store: InMemoryRuntimeStore())
        try await runtime.attach(TrivialExecutor())
        let inputs = (0..<count).map { prompt("turn \($0)") }
        let clock = ContinuousClock()
        var samples: [Duration] = []
        samples.reserveCapacity(count)
        let start = clock.now
        for input in inputs {
            let began = clock.now
            let (_, handle) = try await runtime.accept(input, wantsCompletion: true)
            _ = try await handle?.wait()
            samples.append(clock.now - began)
        }
        let total = clock.now - start
        try await finished(runtime)
        report("end to end, one in flight (accept → run → completed)", samples)
        print(
            String(
                format: "  throughput: %.0f inputs/s (%d in %.3f s)", Double(count) / total.seconds, count,
                total.seconds))
    }

    /// The same with a burst: `count` prompts accepted back to back while the loop drains them (each prompt is its
    /// own run; prompts never batch), so the queue is deep. With `handles`, every accept asks for a handle and every
    /// handle is awaited; otherwise only the last one is (FIFO: when it completes, all earlier ones have).
    private static func burst(count: Int, handles: Bool) async throws {
        let (runtime, _) = try await SessionRuntime.open(session: SessionID(), store: InMemoryRuntimeStore())
        try await runtime.attach(TrivialExecutor())
        let inputs = (0..<count).map { prompt("turn \($0)") }
        let clock = ContinuousClock()
        let start = clock.now
        var waiting: [CompletionHandle] = []
        waiting.reserveCapacity(handles ? count : 1)
        for (index, input) in inputs.enumerated() {
            let wants = handles || index == count - 1
            let (_, handle) = try await runtime.accept(input, wantsCompletion: wants)
            if let handle { waiting.append(handle) }
        }
        for handle in waiting { _ = try await handle.wait() }
        let total = clock.now - start
        try await finished(runtime)
        print(
            String(
                format: "end to end, burst of %d (%@): %.0f inputs/s (%.3f s)", count,
                handles ? "every input awaited through its handle" : "last input awaited",
                Double(count) / total.seconds, total.seconds))
    }

    private static func finished(_ runtime: SessionRuntime) async throws {
        let active = await runtime.listActiveInputs().count
        precondition(active == 0, "\(active) inputs still active")
    }

    // MARK: Helpers

    private static func prompt(_ text: String) -> Input {
        .prompt(PromptInput(content: .text(text)))
    }

    private static func nanos(_ duration: Duration) -> Double { duration.seconds * 1e9 }

    private static func report(_ label: String, _ samples: [Duration]) {
        let sorted = samples.sorted()
        func micros(_ quantile: Double) -> Double {
            let index = min(sorted.count - 1, Int(Double(sorted.count) * quantile))
            return sorted[index].seconds * 1e6
        }
        print(
            String(
                format: "%@: p50 %.1f µs, p99 %.1f µs, max %.1f µs (n=%d)", label, micros(0.5), micros(0.99), micros(1),
                sorted.count))
    }
}

/// An executor that completes every run at once without a result.
struct TrivialExecutor: CoreExecutor {
    func apply(_ primitive: RunPrimitive, run: RunID, checkpoint: any RunCheckpoint) async throws(CoreExecutorError)
        -> CoreApplyOutput
    {
        CoreApplyOutput(
            receipt: RunBoundaryReceiptDraft(
                boundary: primitive.applyBoundary, contributingInputIDs: primitive.contributingInputIDs, messageCount: 0
            ),
            terminal: .noResult)
    }

    func interrupt(run: RunID) async {}
    func interruptYielding() async {}
    func stop(reason: String) async {}
}

/// Inline sizes of the values the runtime passes by value on every step (`MEERKAT_BENCH_RUNTIME=layout`): a value
/// of hundreds of bytes is copied with `memmove` each time it moves, which a profile shows as copy cost.
enum LayoutProbe {
    static func print() {
        func p<T>(_ t: T.Type) { Swift.print("\(T.self): \(MemoryLayout<T>.size)") }
        p(RuntimeMachine.self); p(MachineEffects.self); p(MachineStep<RunSettlement>.self)
        p(MachineStep<AdmissionDecision>.self); p(InputState.self); p(StoredInputState.self); p(Session.self)
        p(RunPrimitive.self); p(Input.self); p(RuntimeMachine.InputFacts.self); p(RuntimeEventKind.self)
        p(CompletionOutcome.self); p(MachineEffects.StartRun.self); p(AdmissionDecision.self);
        p(RunBoundaryReceipt.self)
        p(RuntimeLifecycleRow.self); p(InputStateSeed.self); p(ModelRoutingState.self); p(RunSettlement.self)
    }
}
