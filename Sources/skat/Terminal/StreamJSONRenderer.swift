import Foundation
import MeerkatService

/// Writes `skat run -o stream-json`: one JSON object per line on stdout, as things happen (schema in docs/cli.md).
///
/// Lines come from two sources — the agent's events (each with its session `seq`) and the runtime's input and run
/// events — and are written in the order they arrive here; each source keeps its own order. Before the `result`
/// line of an input, `drain` waits until both sources have been written up to that input's end, so a result is
/// never ahead of the events that led to it.
actor StreamJSONRenderer {
    private let session: SessionID
    private let write: @Sendable (String) -> Void
    private var agentSeq: UInt64 = 0
    private var agentEnded = false
    private var runtimeEnded = false
    private var finishedInputs: Set<InputID> = []
    /// The run that applied each input, and the runs that ended: a result waits for its run's end too.
    private var inputRuns: [InputID: RunID] = [:]
    private var finishedRuns: Set<RunID> = []
    /// What a `drain` waits for.
    private struct DrainTarget {
        var agentSeq: UInt64
        var input: InputID?
    }

    private var waiters: [(target: DrainTarget, continuation: CheckedContinuation<Void, Never>)] = []
    private var pumps: [Task<Void, Never>] = []

    /// - Parameter write: where lines go (stdout; tests capture them).
    init(session: SessionID, write: @escaping @Sendable (String) -> Void = { Output.out($0) }) {
        self.session = session
        self.write = write
    }

    /// Writes the opening `session` line.
    func begin(resumed: Bool) {
        emit(["type": "session", "resumed": .bool(resumed)])
    }

    /// Starts writing both event sources.
    func start(agent: AsyncStream<EventEnvelope>, runtime: AsyncStream<RuntimeEvent>) {
        // The agent's bus drops events for a subscriber that falls behind; relaying into an unbounded stream keeps
        // this subscriber fast while stdout is slow.
        let (relay, relayed) = AsyncStream<EventEnvelope>.makeStream(bufferingPolicy: .unbounded)
        pumps.append(
            Task {
                for await envelope in agent { relayed.yield(envelope) }
                relayed.finish()
            })
        pumps.append(
            Task { [weak self] in
                for await envelope in relay { await self?.agentEvent(envelope) }
                await self?.sourceEnded(agent: true)
            })
        pumps.append(
            Task { [weak self] in
                for await event in runtime { await self?.runtimeEvent(event) }
                await self?.sourceEnded(agent: false)
            })
    }

    /// Waits until the agent events up to `agentSeq` are written and, unless nil, the runtime reported `input`
    /// terminal and the run that applied it ended (or a source ended).
    func drain(agentSeq: UInt64, input: InputID?) async {
        let target = DrainTarget(agentSeq: agentSeq, input: input)
        if isDrained(target) { return }
        await withCheckedContinuation { continuation in waiters.append((target, continuation)) }
    }

    /// Writes an input's `result` line (the `-o json` object plus `"type": "result"`).
    func result(_ output: RunOutput) {
        guard case .object(var fields)? = try? WireJSON.toJSONValue(output) else { return }
        fields["type"] = "result"
        writeLine(.object(fields))
    }

    /// Stops reading the sources.
    func stop() {
        for pump in pumps { pump.cancel() }
        pumps = []
        let pending = waiters
        waiters = []
        for waiter in pending { waiter.continuation.resume() }
    }

    private func isDrained(_ target: DrainTarget) -> Bool {
        let agentDone = agentEnded || agentSeq >= target.agentSeq
        let runtimeDone =
            runtimeEnded
            || target.input.map { input in
                finishedInputs.contains(input) && inputRuns[input].map { finishedRuns.contains($0) } ?? true
            } ?? true
        return agentDone && runtimeDone
    }

    private func agentEvent(_ envelope: EventEnvelope) {
        agentSeq = max(agentSeq, envelope.seq)
        guard let event = try? envelope.payload.jsonObject() else { return }
        emit(["type": "agent", "seq": .number(Double(envelope.seq)), "event": .object(event)])
        wake()
    }

    private func runtimeEvent(_ event: RuntimeEvent) {
        emit(["type": "runtime", "event": .object(event.kind.data)])
        switch event.kind {
        case .inputStaged(let input, let run), .inputApplied(let input, let run): inputRuns[input] = run
        case .runCompleted(let run), .runCancelled(let run), .runFailed(let run, _): finishedRuns.insert(run)
        default: break
        }
        if let finished = Self.finishedInput(event.kind) { finishedInputs.insert(finished) }
        wake()
    }

    private func sourceEnded(agent: Bool) {
        if agent { agentEnded = true } else { runtimeEnded = true }
        wake()
    }

    /// The input a runtime event reports terminal, if any.
    static func finishedInput(_ kind: RuntimeEventKind) -> InputID? {
        switch kind {
        case .inputConsumed(let id, _), .inputAbandoned(let id, _), .inputCoalesced(let id, _): id
        case .inputStateTransitioned(let id, _, let to) where to.isTerminal: id
        default: nil
        }
    }

    private func wake() {
        var still: [(target: DrainTarget, continuation: CheckedContinuation<Void, Never>)] = []
        for waiter in waiters {
            if isDrained(waiter.target) { waiter.continuation.resume() } else { still.append(waiter) }
        }
        waiters = still
    }

    private func emit(_ fields: [String: JSONValue]) {
        var fields = fields
        fields["session_id"] = .string(session.description)
        writeLine(.object(fields))
    }

    private func writeLine(_ value: JSONValue) {
        write(value.compactText() + "\n")
    }
}
