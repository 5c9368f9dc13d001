import Foundation
import MeerkatCore
import MeerkatRuntime
import MeerkatSQLite

/// SQLite store costs: durable admission through `SessionRuntime.accept`, and the per-turn boundary commit
/// (`atomicApply` with one new assistant + tool-result pair) at short and long transcripts. Every write is a
/// durable commit (WAL, `synchronous = FULL`), so the numbers include an fsync.
enum SQLiteBench {
    static func run() async throws {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("meerkat-sqlite-bench-\(UUID().uuidString.lowercased())")
        defer { try? FileManager.default.removeItem(at: root) }
        let realm = try Realm.open(stateRoot: root, realmID: try RealmID("bench"), backend: .sqlite)
        try await acceptLatency(realm, count: 1000)
        try await turnCommit(realm, history: 10, samples: 200)
        try await turnCommit(realm, history: 1000, samples: 200)
        try await consecutiveTurns(realm, history: 10, turns: 200)
        try await consecutiveTurns(realm, history: 1000, turns: 200)
        try realm.close()
        try await coldTurnCommit(root: root, history: 1000, samples: 30)
    }

    /// `accept` of a prompt with an idempotency key, no executor attached: the call returns once the queued row
    /// is committed.
    private static func acceptLatency(_ realm: Realm, count: Int) async throws {
        let (runtime, _) = try await SessionRuntime.open(session: SessionID(), store: realm.runtimeStore)
        let clock = ContinuousClock()
        var samples: [Duration] = []
        samples.reserveCapacity(count)
        let start = clock.now
        for index in 0..<count {
            let input = Input.prompt(
                PromptInput(
                    header: InputHeader(idempotencyKey: IdempotencyKey("bench-\(index)")),
                    content: .text("prompt number \(index)")))
            let began = clock.now
            _ = try await runtime.accept(input, withoutWake: true)
            samples.append(clock.now - began)
        }
        let total = clock.now - start
        report("accept (durable, keyed prompt)", samples)
        let seconds = Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18
        print(String(format: "  throughput: %.0f accepts/s (%d in %.2f s)", Double(count) / seconds, count, seconds))
    }

    /// One boundary commit per sample on a session whose transcript already holds `history` messages: receipt,
    /// session delta (two new messages), one input row and the lifecycle row, in one transaction. Each sample uses
    /// a fresh session (saved just before, untimed) so every commit sees the same history length and the store has
    /// seen the session before, as inside a running process.
    private static func turnCommit(_ realm: Realm, history: Int, samples count: Int) async throws {
        let clock = ContinuousClock()
        var samples: [Duration] = []
        for _ in 0..<count {
            let session = transcript(history)
            try await realm.sessionStore.save(session)
            let commit = boundary(extending: session)
            let began = clock.now
            try await realm.runtimeStore.atomicApply(.session(session.id), commit)
            samples.append(clock.now - began)
        }
        report("turn commit, \(history) messages of history", samples)
    }

    /// `turns` boundary commits in a row on one session that starts with `history` messages (each adds two).
    private static func consecutiveTurns(_ realm: Realm, history: Int, turns: Int) async throws {
        var session = transcript(history)
        try await realm.sessionStore.save(session)
        let clock = ContinuousClock()
        var samples: [Duration] = []
        for _ in 0..<turns {
            let commit = boundary(extending: session)
            let began = clock.now
            try await realm.runtimeStore.atomicApply(.session(session.id), commit)
            samples.append(clock.now - began)
            session = commit.session!
        }
        report("\(turns) consecutive turns on one session from \(history) messages", samples)
    }

    /// The first commit to each session after a restart: the store has no cached transcript and proves the
    /// committed prefix by re-encoding it (no committed message is read back).
    private static func coldTurnCommit(root: URL, history: Int, samples count: Int) async throws {
        var sessions: [Session] = []
        do {
            let realm = try Realm.open(stateRoot: root, realmID: try RealmID("bench"))
            for _ in 0..<count {
                let session = transcript(history)
                try await realm.sessionStore.save(session)
                sessions.append(session)
            }
            try realm.close()
        }
        let realm = try Realm.open(stateRoot: root, realmID: try RealmID("bench"))
        let clock = ContinuousClock()
        var samples: [Duration] = []
        for session in sessions {
            let commit = boundary(extending: session)
            let began = clock.now
            try await realm.runtimeStore.atomicApply(.session(session.id), commit)
            samples.append(clock.now - began)
        }
        try realm.close()
        report("turn commit after restart (cold), \(history) messages of history", samples)
    }

    private static func transcript(_ count: Int) -> Session {
        let start = Date()
        var messages: [Message] = []
        messages.reserveCapacity(count)
        for index in 0..<count {
            let at = start.addingTimeInterval(Double(index))
            if index % 2 == 0 {
                messages.append(
                    .user(
                        content: [.text("Please look at file \(index) and summarise what it does in two lines.")],
                        transcriptRole: .conversational, createdAt: at))
            } else {
                messages.append(
                    .assistant(
                        blocks: [
                            .text(text: "File \(index - 1) parses the configuration and validates it.", meta: nil)
                        ],
                        stopReason: .endTurn, createdAt: at))
            }
        }
        return Session(messages: messages, metadata: ["model": "bench"], createdAt: start)
    }

    private static func boundary(extending session: Session) -> BoundaryCommit {
        var next = session
        let now = Date()
        let call = ToolCall(
            id: "call-\(session.messages.count)", name: "read_file", args: ["path": "Sources/main.swift"])
        next.messages.append(.assistant(blocks: [.toolUse(call)], stopReason: .toolUse, createdAt: now))
        next.messages.append(
            .toolResults(
                results: [ToolResult(toolUseID: call.id, text: String(repeating: "let x = 1\n", count: 40))],
                createdAt: now))
        next.usage += Usage(inputTokens: 1200, outputTokens: 40)
        next.updatedAt = now
        let run = RunID()
        let input = Input.prompt(PromptInput(content: .text("go on")))
        let plan = try! PolicyTable.resolve(input, context: .idle)
        let row = StoredInputState(
            state: InputState(admitting: input, plan: plan, at: now),
            seed: InputStateSeed(
                phase: .consumed, lastRunID: run, lastBoundarySequence: 1, admissionSequence: 1,
                terminalOutcome: .consumed, attemptCount: 1, recoveryLane: .queue))
        return BoundaryCommit(
            receipt: RunBoundaryReceipt(
                runID: run, boundary: .runStart, contributingInputIDs: [input.id], messageCount: next.messages.count,
                sequence: 1),
            session: next, inputs: [row], lifecycle: RuntimeLifecycleRow(state: .attached, updatedAt: now))
    }

    private static func report(_ name: String, _ samples: [Duration]) {
        let sorted = samples.sorted()
        func micros(_ duration: Duration) -> Double {
            Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
        }
        func percentile(_ p: Double) -> Double {
            micros(sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.down)))])
        }
        let figures = String(
            format: "n=%d p50=%.0f µs p99=%.0f µs max=%.0f µs", sorted.count, percentile(0.5), percentile(0.99),
            micros(sorted.last ?? .zero))
        print("\(name): \(figures)")
    }
}
