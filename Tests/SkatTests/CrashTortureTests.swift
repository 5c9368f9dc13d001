import Foundation
import MeerkatCore
import MeerkatRuntime
import MeerkatSQLite
import MeerkatTesting
import Testing

/// Crash-recovery torture (issue 5): the real `skat` binary drives sessions against the mock provider (whose rule-mode
/// answers stream slowly) with queued and steered stdin lines and tool calls, and is killed with SIGKILL at seeded
/// moments: a time after its start (realm open, recovery, admission), a time after its n-th model request
/// (mid-stream, between calls, mid-commit), right after one of its shell tools logged an effect while a `wait` of the
/// same batch still runs (mid-tool), or after it printed k results. Each kill is reaped (so the next process takes
/// the dead owner's lease over at once), then the realm is read from this process (reads are never lease-checked):
///
/// 1. every `<key>:line:N` maps to one input id forever; an input seen once is never lost; one session per key;
/// 2. a terminal input never changes phase or outcome again, and has exactly one terminal transition;
/// 3. no input is consumed twice: a line's user message is committed at most once, a committed line belongs to a
///    terminal input, to the open run of a dead process or to an input whose interrupted run is being continued, and
///    no model request starts a line that was already terminal or committed before that process started (except the
///    request that continues an interrupted run, which resumes from the transcript without applying its line again);
/// 4. a dangling `tool_use` only ever sits in the tail of the open run; once a restarted process opened the session,
///    every dangling call of the dead run has its "interrupted" result and the run's inputs are continued from the
///    transcript (or ended: consumed when the run had finished, abandoned when the kill took their last attempt);
///    every continued input ends answered (consumed) or exhausted, never abandoned as interrupted;
/// 5. what a process prints is consistent: the key's input id, `deduplicated` exactly when the key existed before it
///    started, the recorded outcome;
/// 6. a tool never runs twice: each shell effect is logged at most once (exactly once for a line whose turn called
///    its tools and completed).
///
/// Every round ends with a run that is not killed (every input terminal) and a retry that only deduplicates (same
/// ids, recorded outcomes, no model request). Rounds cycle through queued, steered and mixed lines (retries that
/// disagree on `--steer`), each in its own session, until the target number of kills is reached.
/// `MEERKAT_TORTURE_SEED` replays a run, `MEERKAT_TORTURE_KILLS` changes the target (default 50) and
/// `MEERKAT_TORTURE_VERBOSE=1` prints where each kill landed.
@Suite("crash-recovery torture", .serialized)
struct CrashTortureTests {
    @Test(.timeLimit(.minutes(15)))
    func sigkillAtRandomMomentsLosesNothingAndRunsNothingTwice() async throws {
        signal(SIGPIPE, SIG_IGN)  // stdin writes may race the kill
        let settings = TortureSettings.fromEnvironment()
        print(
            "torture: seed \(settings.seed) (replay with MEERKAT_TORTURE_SEED=\(settings.seed)), \(settings.targetKills) kills"
        )
        var stream = MockStreamOptions()
        stream.chunkDelay = .milliseconds(20)
        let server = MockProviderServer(configuration: .init(ruleStreamOptions: stream))
        try await server.start()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let torture = Torture(settings: settings, server: server, sandbox: sandbox)
        let started = ContinuousClock.now
        await torture.run()
        let elapsed = ContinuousClock.now - started
        print(torture.statistics.summary(seed: settings.seed, elapsed: elapsed))
        for violation in torture.violations {
            Issue.record("seed \(settings.seed): \(violation)")
        }
        #expect(torture.statistics.kills >= settings.targetKills || !torture.violations.isEmpty)
        if torture.violations.isEmpty {
            try? FileManager.default.removeItem(at: sandbox.root)
        } else {
            print("torture: sandbox kept at \(sandbox.root.path)")
        }
    }
}

// MARK: - Settings and randomness

private struct TortureSettings {
    var seed: UInt64
    var targetKills: Int
    var maxKillsPerRound = 16
    /// A bound on rounds (a round ends when its lines are done, usually after 5–10 kills).
    var maxRounds: Int { max(12, targetKills / 2) }
    /// Prints one line per kill (`MEERKAT_TORTURE_VERBOSE=1`).
    var verbose = false

    static let defaultSeed: UInt64 = 20_260_505

    static func fromEnvironment() -> TortureSettings {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["MEERKAT_TORTURE_SEED"].flatMap { UInt64($0) } ?? defaultSeed
        let kills = environment["MEERKAT_TORTURE_KILLS"].flatMap { Int($0) }.map { max($0, 1) } ?? 50
        return TortureSettings(seed: seed, targetKills: kills, verbose: environment["MEERKAT_TORTURE_VERBOSE"] == "1")
    }
}

/// When a child is killed.
private enum KillPoint: CustomStringConvertible {
    /// This long after the start (lands in startup, recovery, admission or anywhere later).
    case afterStart(milliseconds: Int)
    /// This long after the child's n-th model request (mid-stream, mid-tool, mid-commit).
    case afterRequest(Int, milliseconds: Int)
    /// This long after a tool of the child logged an effect (mid-tool: the effect happened, the batch is not done).
    case afterEffect(milliseconds: Int)
    /// As soon as the child printed this many results.
    case afterResults(Int)

    var description: String {
        switch self {
        case .afterStart(let ms): "\(ms) ms after start"
        case .afterRequest(let n, let ms): "\(ms) ms after request \(n)"
        case .afterEffect(let ms): "\(ms) ms after a tool effect"
        case .afterResults(let n): "after \(n) results"
        }
    }

    static func random(using generator: inout SeededRandom) -> KillPoint {
        switch Int.random(in: 0..<100, using: &generator) {
        case 0..<15: .afterStart(milliseconds: Int.random(in: 1...60, using: &generator))
        case 15..<30: .afterStart(milliseconds: Int.random(in: 60...400, using: &generator))
        case 30..<65:
            .afterRequest(
                Int.random(in: 1...3, using: &generator), milliseconds: Int.random(in: 0...900, using: &generator))
        case 65..<85: .afterEffect(milliseconds: Int.random(in: 0...150, using: &generator))
        default: .afterResults(Int.random(in: 1...3, using: &generator))
        }
    }
}

// MARK: - Rounds

/// One session driven by one retried command line: its stdin lines and how they are handled.
private struct TortureRound {
    enum Mode: String {
        /// Every process queues its lines.
        case queue
        /// Every process steers its lines (`--steer`).
        case steer
        /// Each process flips a seeded coin: the retries of one command disagree on `--steer`.
        case mixed
    }

    let number: Int
    let mode: Mode

    var key: String { "torture-r\(number)" }
    /// Lines whose shell tool appends a token to `effects.log`: line number → token.
    var effects: [Int: String] { [4: "r\(number)-4", 5: "r\(number)-5", 11: "r\(number)-11"] }
    var keys: [String] { lines.indices.map { "\(key):line:\($0 + 1)" } }
    func arguments(steer: Bool) -> [String] {
        ["run", "-m", "gpt-5.4", "-t", "workspace", "-o", "json", "--stdin", "lines", "--idempotency-key", key]
            + (steer ? ["--steer"] : [])
    }

    /// Distinct texts (a line is recognised in transcripts and requests by its exact text).
    var lines: [String] {
        let body = [
            mode == .queue ? "says hello" : #"waits first: call tool wait {"seconds": 1}"#,
            #"reads a file: call tool read_file {"path": "notes.txt"}"#,
            "is a plain prompt",
            #"records an effect: call tool shell {"command": "echo r\#(number)-4 >> effects.log"}"#,
            #"records an effect and waits: call tool shell {"command": "echo r\#(number)-5 >> effects.log"} and call tool wait {"seconds": 1}"#,
            "is plain again",
            #"uses two tools: call tool read_file {"path": "notes.txt"} and call tool list_dir {}"#,
            "is plain once more",
            #"waits briefly: call tool wait {"seconds": 0.5}"#,
            "is the tenth line",
            #"records another effect and waits: call tool shell {"command": "echo r\#(number)-11 >> effects.log"} and call tool wait {"seconds": 0.5}"#,
            "ends the round",
        ]
        return body.enumerated().map { "r\(number) line \($0.offset + 1) \($0.element)" }
    }
}

/// What the checks remember about a round between restarts.
private struct RoundShadow {
    /// Whether the realm was read at least once after a child of this round.
    var observed = false
    var sessionID: SessionID?
    /// Idempotency key → input id, for every key ever seen.
    var ids: [String: InputID] = [:]
    /// The terminal facts of every input seen terminal.
    var terminal: [InputID: String] = [:]
    /// Texts of lines that are terminal or whose user message is committed: never to be started again.
    var mustNotRun: Set<String> = []
    /// The open run a dead child left behind (seen at the last check).
    var openRun: OpenRun?

    struct OpenRun {
        var runID: String
        var start: Int
        var tailLength: Int
        var dangling: [String]
        var members: [InputID]
    }
}

/// What one child did.
private struct ChildReport {
    var killed: Bool
    var status: Int32
    var results: [[String: JSONValue]]
    var stderr: String
    /// Indices in the mock's log of the requests this child sent (told apart by its API key, so a request a killed
    /// child had in flight is never counted for the next one).
    var requests: [Int]
    var disconnected: Bool

    /// True when the child certainly opened the session (and so ran recovery) before it died.
    var openedSession: Bool { !requests.isEmpty || !results.isEmpty || !killed }
}

/// Counters printed at the end.
private struct TortureStatistics {
    var rounds = 0
    var children = 0
    var kills = 0
    var killsAtStartup = 0
    var killsMidStream = 0
    var killsMidTool = 0
    var killsElsewhere = 0
    var cleanExits = 0
    var modelRequests = 0
    var toolEffects = 0
    var outcomes: [String: Int] = [:]
    var transitions: [String: Int] = [:]
    /// Inputs of interrupted runs answered by the continued run, or abandoned with their attempts exhausted.
    var continuedAnswered = 0
    var continuedExhausted = 0

    func summary(seed: UInt64, elapsed: Duration) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let reasons = transitions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        let ends = outcomes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        return """
            torture: seed \(seed), \(rounds) rounds, \(children) processes, \(kills) SIGKILLs \
            (startup/recovery \(killsAtStartup), mid-stream \(killsMidStream), mid-tool \(killsMidTool), \
            elsewhere \(killsElsewhere)), \(cleanExits) clean exits, \(modelRequests) model requests, \
            \(toolEffects) shell effects, \
            \(String(format: "%.1f", seconds)) s
            torture: final outcomes: \(ends)
            torture: inputs of interrupted runs continued after recovery: \(continuedAnswered) answered, \
            \(continuedExhausted) exhausted
            torture: recovery and steering transitions: \(reasons)
            """
    }
}

// MARK: - The driver

private final class Torture {
    let settings: TortureSettings
    let server: MockProviderServer
    let sandbox: SkatSandbox
    var generator: SeededRandom
    private(set) var violations: [String] = []
    private(set) var statistics = TortureStatistics()
    private var realm: Realm?
    private var context = ""

    init(settings: TortureSettings, server: MockProviderServer, sandbox: SkatSandbox) {
        self.settings = settings
        self.server = server
        self.sandbox = sandbox
        self.generator = SeededRandom(seed: settings.seed)
    }

    deinit {
        try? realm?.close()
    }

    func run() async {
        var number = 0
        while violations.isEmpty, number < settings.maxRounds,
            statistics.kills < settings.targetKills || number < 2
        {
            number += 1
            let modes: [TortureRound.Mode] = [.queue, .steer, .mixed]
            let round = TortureRound(number: number, mode: modes[(number - 1) % modes.count])
            await play(round)
            statistics.rounds += 1
        }
    }

    private func play(_ round: TortureRound) async {
        var shadow = RoundShadow()
        var kills = 0
        // Kill until every line is terminal (or the round's kill budget is spent).
        while violations.isEmpty, kills < settings.maxKillsPerRound {
            // The first process of a round dies around session creation (and, in round 1, realm creation).
            let point =
                kills == 0
                ? KillPoint.afterStart(milliseconds: Int.random(in: 20...80, using: &generator))
                : KillPoint.random(using: &generator)
            let steer = steers(round)
            let gap = steer ? 250 : 40
            let gaps = round.lines.map { _ in Int.random(in: 0...gap, using: &generator) }
            context =
                "round \(round.number) (\(round.mode)\(steer ? ", --steer" : "")), process \(statistics.children + 1), "
                + "kill \(point)"
            let report = await child(round, steer: steer, gaps: gaps, kill: point)
            if report.killed { kills += 1 }
            await check(round, report, &shadow)
            if !report.killed || allTerminal(round, shadow) { break }
        }
        guard violations.isEmpty else { return }
        // A run that is not killed finishes every input ...
        context = "round \(round.number): final run"
        let final = await child(round, steer: steers(round), gaps: round.lines.map { _ in 0 }, kill: nil)
        await check(round, final, &shadow)
        if !allTerminal(round, shadow) { fail("not every input is terminal after the final run") }
        guard violations.isEmpty else { return }
        // ... and a retry only deduplicates: same ids, recorded outcomes, no model request.
        context = "round \(round.number): deduplicating run"
        let again = await child(round, steer: steers(round), gaps: round.lines.map { _ in 0 }, kill: nil)
        await check(round, again, &shadow)
        if !again.requests.isEmpty { fail("the deduplicating run made \(again.requests.count) model requests") }
        if again.results.count != round.lines.count || again.results.contains(where: { $0["deduplicated"] != true }) {
            fail("the deduplicating run did not deduplicate every line: \(again.results)")
        }
        await tally(round, shadow)
    }

    /// Whether the next process of the round steers its lines.
    private func steers(_ round: TortureRound) -> Bool {
        switch round.mode {
        case .queue: false
        case .steer: true
        case .mixed: Bool.random(using: &generator)
        }
    }

    private func allTerminal(_ round: TortureRound, _ shadow: RoundShadow) -> Bool {
        round.keys.allSatisfy { key in shadow.ids[key].map { shadow.terminal[$0] != nil } ?? false }
    }

    private func fail(_ message: String) {
        violations.append("\(context): \(message)")
    }

    // MARK: Children

    /// Starts the round's command, feeds its lines, kills it at `kill` (nil: lets it finish) and reaps it.
    private func child(_ round: TortureRound, steer: Bool, gaps: [Int], kill: KillPoint?) async -> ChildReport {
        statistics.children += 1
        let key = "torture-child-\(statistics.children)"
        let firstRequest = server.requests.count
        let disconnects = server.clientDisconnects
        let running: SkatRunning
        do {
            running = try sandbox.start(round.arguments(steer: steer), environment: ["OPENAI_API_KEY": key])
        } catch {
            fail("cannot start skat: \(error)")
            return ChildReport(
                killed: false, status: -1, results: [], stderr: "", requests: [], disconnected: false)
        }
        let lines = round.lines
        let feeder = Task {
            for (line, gap) in zip(lines, gaps) {
                if gap > 0 { try? await Task.sleep(for: .milliseconds(gap)) }
                if Task.isCancelled || !running.send(line + "\n") { return }
            }
            running.closeInput()
        }
        var killed = false
        if let kill {
            killed = await waitAndKill(running, kill, key: key)
            feeder.cancel()
        }
        await feeder.value
        let result = await running.finish()
        let requests = Self.requests(of: key, in: server.requests, from: firstRequest)
        var disconnected = false
        if killed, !requests.isEmpty {
            disconnected = await server.waitForClientDisconnects(disconnects + 1, timeout: .milliseconds(250))
        }
        statistics.modelRequests += requests.count
        if killed {
            statistics.kills += 1
        } else {
            statistics.cleanExits += 1
        }
        return ChildReport(
            killed: killed, status: result.status, results: result.jsonLines, stderr: result.stderr,
            requests: requests, disconnected: disconnected)
    }

    /// Waits for the kill point and sends SIGKILL; false when the child exited first.
    private func waitAndKill(_ running: SkatRunning, _ point: KillPoint, key: String) async -> Bool {
        let firstRequest = server.requests.count
        let start = ContinuousClock.now
        var fired: ContinuousClock.Instant?
        let effects = sandbox.project.appendingPathComponent("effects.log").path
        let effectsAtStart = Self.fileSize(effects)
        while running.isRunning {
            let now = ContinuousClock.now
            switch point {
            case .afterStart(let ms):
                if now - start >= .milliseconds(ms) { fired = now }
            case .afterRequest(let n, let ms):
                if fired == nil, Self.requests(of: key, in: server.requests, from: firstRequest).count >= n {
                    fired = now + .milliseconds(ms)
                }
            case .afterEffect(let ms):
                if fired == nil, Self.fileSize(effects) > effectsAtStart { fired = now + .milliseconds(ms) }
            case .afterResults(let n):
                if running.stdoutSoFar.reduce(0, { $0 + ($1 == "\n" ? 1 : 0) }) >= n { fired = now }
            }
            // A kill point that never comes (the child has less to do) falls back to a late kill.
            if fired == nil, now - start > .seconds(20) { fired = now }
            if let fired, now >= fired {
                running.killNow()
                return true
            }
            try? await Task.sleep(for: .milliseconds(4))
        }
        return false
    }

    // MARK: Reading the realm

    private struct Snapshot {
        var sessions: [SessionID]
        var session: Session?
        var rows: [StoredInputState]
    }

    private func readRealm(_ round: TortureRound) async throws -> Snapshot? {
        if realm == nil {
            let project = sandbox.project
            realm = try Realm.open(
                stateRoot: RealmLocation.defaultStateRoot(currentDirectory: project),
                realmID: RealmLocation.defaultRealmID(currentDirectory: project))
        }
        guard let realm else { return nil }
        let metas = try await realm.sessionStore.list(SessionQuery(includeArchived: true, limit: .max))
        let sessions = metas.filter { $0.metadata["creation_key"]?.stringValue == "run:" + round.key }.map(\.id)
        guard let id = sessions.first else { return Snapshot(sessions: [], session: nil, rows: []) }
        let rows = try await realm.runtimeStore.loadInputs(.session(id))
        let session = try await realm.sessionStore.load(id)
        return Snapshot(sessions: sessions, session: session, rows: rows)
    }

    // MARK: Checks

    private func check(_ round: TortureRound, _ report: ChildReport, _ shadow: inout RoundShadow) async {
        if !report.killed, report.results.count != round.lines.count {
            fail("the process exited (status \(report.status)) after \(report.results.count) results: \(report.stderr)")
        }
        // The realm is only read once a child certainly created it (reading must never migrate or create it).
        guard shadow.observed || report.openedSession || realm != nil else { return }
        let snapshot: Snapshot
        do {
            guard let read = try await readRealm(round) else { return }
            snapshot = read
        } catch {
            fail("cannot read the realm: \(error)")
            return
        }
        guard snapshot.sessions.count <= 1 else {
            fail("the retried command created \(snapshot.sessions.count) sessions")
            return
        }
        if let known = shadow.sessionID, snapshot.sessions.first != known {
            fail("the session \(known) was lost")
            return
        }
        shadow.sessionID = snapshot.sessions.first
        let previous = shadow
        let lineOfKey = Dictionary(uniqueKeysWithValues: zip(round.keys, round.lines))
        var rowsByKey: [String: StoredInputState] = [:]
        for row in snapshot.rows {
            guard let key = row.state.idempotencyKey?.description, lineOfKey[key] != nil else {
                fail(
                    "input \(row.inputID) has an unexpected idempotency key \(String(describing: row.state.idempotencyKey))"
                )
                continue
            }
            if rowsByKey[key] != nil { fail("two inputs carry the key \(key)") }
            rowsByKey[key] = row
        }

        // 1. Keys map to one id forever; nothing acknowledged is lost.
        for (key, id) in previous.ids where rowsByKey[key]?.inputID != id {
            fail("the input \(id) of \(key) was lost (now \(String(describing: rowsByKey[key]?.inputID)))")
        }
        for (key, row) in rowsByKey { shadow.ids[key] = row.inputID }

        // 2. One phase per input; terminal facts never change; exactly one terminal transition.
        var terminalLines: Set<String> = []
        for (key, row) in rowsByKey {
            let terminalEntries = row.state.history.filter { $0.to.isTerminal }.count
            if row.isTerminal {
                terminalLines.insert(lineOfKey[key]!)
                let facts = Self.terminalFacts(row)
                if let known = previous.terminal[row.inputID], known != facts {
                    fail("the terminal input \(key) changed from \(known) to \(facts)")
                }
                shadow.terminal[row.inputID] = facts
                if terminalEntries != 1 {
                    fail("\(key) has \(terminalEntries) terminal transitions: \(row.state.history.map(\.reason))")
                }
            } else {
                if previous.terminal[row.inputID] != nil { fail("the terminal input \(key) became \(row.phase)") }
                if terminalEntries != 0 { fail("the active input \(key) has a terminal transition") }
            }
        }

        // 3. Consumed at most once: in the committed transcript ...
        let session = snapshot.session
        let marker = session.flatMap { Self.openRunMarker($0) }
        var committedLines: Set<String> = []
        /// Lines whose user message is answered by a tool call (their turn ran their own tools).
        var ranOwnTools: Set<String> = []
        if let session {
            var seen: [String: Int] = [:]
            for (index, message) in session.messages.enumerated() {
                guard case .user(let content, let role, _) = message, role == .conversational else { continue }
                let text = content.map(\.textProjection).joined(separator: "\n")
                guard let key = lineOfKey.first(where: { $0.value == text })?.key else { continue }
                if let first = seen[text] {
                    fail("the line of \(key) is committed twice (messages \(first) and \(index))")
                }
                seen[text] = index
                committedLines.insert(text)
                // A kill can land after the turn's tool calls were committed and before a tool ran: recovery then
                // answers them "interrupted" (effects unknown), and the line may still complete; such a line's
                // effect is only held to "at most once".
                if index + 1 < session.messages.count, !session.messages[index + 1].toolCalls.isEmpty,
                    !Self.answeredInterrupted(session.messages, after: index + 1)
                {
                    ranOwnTools.insert(text)
                }
                guard let row = rowsByKey[key] else {
                    fail("the line of \(key) is committed but no input carries its key")
                    continue
                }
                if !row.isTerminal {
                    let inOpenRun =
                        marker.map { index >= $0.start && row.seed.lastRunID?.description == $0.runID } ?? false
                    // A continued input's line was applied by its interrupted run; it waits for, or is in, the run
                    // that continues from the transcript.
                    let continued = row.state.appliedToTranscript && [.queued, .staged].contains(row.phase)
                    if !continued, !inOpenRun || ![.staged, .applied, .appliedPendingConsumption].contains(row.phase) {
                        fail("the line of \(key) is committed but its input is \(row.phase) outside the open run")
                    }
                }
            }
        }
        // ... and in the model requests of this child: none starts a line that was done before it started.
        let requests = server.requests
        for index in report.requests where index < requests.count {
            guard let view = Self.requestView(requests[index]) else { continue }
            var counts: [String: Int] = [:]
            for text in view.userTexts where lineOfKey.values.contains(text) { counts[text, default: 0] += 1 }
            for (text, count) in counts where count > 1 {
                fail("model request \(index) carries the line '\(text)' \(count) times")
            }
            if previous.observed {
                for text in view.trailingUserTexts where previous.mustNotRun.contains(text) {
                    fail("model request \(index) starts the line '\(text)' again, which was already done")
                }
            }
        }
        // A continued input's line is in the transcript but not answered yet: the continued run's request ends with it
        // (and the interruption notice) without applying it again.
        let continuedLines = Set(
            rowsByKey.filter { !$0.value.isTerminal && $0.value.state.appliedToTranscript }.map { lineOfKey[$0.key]! })
        shadow.mustNotRun = terminalLines.union(committedLines.subtracting(continuedLines))

        // 4. Dangling tool calls only in the open run's tail; after a restart the dead run's are closed.
        if let session {
            var owner: [String: Int] = [:]
            for (index, message) in session.messages.enumerated() {
                for call in message.toolCalls { owner[call.id] = index }
            }
            let dangling = session.unansweredToolUseIDs
            if let marker {
                for id in dangling where (owner[id] ?? -1) < marker.start {
                    fail("tool call \(id) is unanswered outside the open run")
                }
            } else if !dangling.isEmpty {
                fail("tool calls \(dangling) are unanswered and no run is open")
            }
            // The dead run's tail is closed once a restarted child opened the session (or its marker is gone).
            if previous.observed, let dead = previous.openRun, dead.tailLength > 0,
                report.openedSession || marker?.runID != dead.runID
            {
                if marker?.runID == dead.runID { fail("the dead run \(dead.runID) is still open after a restart") }
                let results = Self.toolResults(session)
                for id in dead.dangling where results[id] != SessionRuntime.interruptedToolResultText {
                    fail("tool call \(id) of the dead run has \(results[id] ?? "no result") after a restart")
                }
                for id in dead.members {
                    guard let row = snapshot.rows.first(where: { $0.inputID == id }) else { continue }
                    let closed = row.state.history.contains {
                        ["DurableTailRecovered", "InterruptedRunContinued", "MaxAttemptsExhausted"].contains($0.reason)
                    }
                    if !closed {
                        fail(
                            "input \(id) of the dead run is \(row.phase) after a restart (expected continued or ended)")
                    }
                }
            }
            if !report.killed, let marker { fail("run \(marker.runID) is still open after the process exited") }
            if report.killed, let marker {
                shadow.openRun = RoundShadow.OpenRun(
                    runID: marker.runID, start: marker.start, tailLength: session.messages.count - marker.start,
                    dangling: dangling,
                    members: snapshot.rows.filter { !$0.isTerminal && $0.seed.lastRunID?.description == marker.runID }
                        .map(\.inputID))
            } else {
                shadow.openRun = nil
            }
        } else {
            shadow.openRun = nil
        }
        if report.killed {
            let moment: String
            if !report.openedSession {
                statistics.killsAtStartup += 1
                moment = "startup/recovery"
            } else if report.disconnected {
                statistics.killsMidStream += 1
                moment = "mid-stream"
            } else if marker != nil, session?.unansweredToolUseIDs.isEmpty == false {
                statistics.killsMidTool += 1
                moment = "mid-tool"
            } else {
                statistics.killsElsewhere += 1
                moment = "elsewhere"
            }
            if settings.verbose {
                print(
                    "torture: \(context): \(moment) (\(report.requests.count) requests, \(report.results.count) results, "
                        + "open run \(marker != nil), dangling \(session?.unansweredToolUseIDs.count ?? 0))")
            }
        }

        // 6. A tool never runs twice: each effect token is logged at most once, and exactly once for an input that
        // completed as a turn that called its own tools (a batched or steered line may never have been answered).
        let log =
            (try? String(contentsOf: sandbox.project.appendingPathComponent("effects.log"), encoding: .utf8)) ?? ""
        let tokens = log.split(separator: "\n").map(String.init)
        for (line, token) in round.effects.sorted(by: { $0.key < $1.key }) {
            let count = tokens.filter { $0 == token }.count
            if count > 1 { fail("the tool of line \(line) ran \(count) times") }
            let key = round.keys[line - 1]
            if rowsByKey[key]?.state.terminalCompletion?.completionType == "completed",
                ranOwnTools.contains(round.lines[line - 1]), count != 1
            {
                fail("\(key) completed but its tool ran \(count) times")
            }
        }

        // 5. What the child printed: the key's id, `deduplicated` iff the key existed, the recorded outcome.
        for (index, result) in report.results.enumerated() {
            guard index < round.keys.count else {
                fail("the process printed more results than lines")
                break
            }
            let key = round.keys[index]
            guard let row = rowsByKey[key] else {
                fail("result \(index + 1) names \(key), which has no input")
                continue
            }
            if result["input_id"]?.stringValue != row.inputID.description {
                fail(
                    "result \(index + 1) names input \(String(describing: result["input_id"])), the key has \(row.inputID)"
                )
            }
            if result["session_id"]?.stringValue != shadow.sessionID?.description {
                fail("result \(index + 1) names another session")
            }
            if previous.observed, result["deduplicated"] != .bool(previous.ids[key] != nil) {
                fail("result \(index + 1) says deduplicated \(String(describing: result["deduplicated"]))")
            }
            let recorded = row.state.terminalCompletion?.completionType
            if !row.isTerminal || result["status"]?.stringValue != recorded {
                fail(
                    "result \(index + 1) printed \(String(describing: result["status"])) but \(key) is \(row.phase) "
                        + "with \(recorded ?? "no recorded outcome")")
            }
        }
        shadow.observed = true
    }

    private func tally(_ round: TortureRound, _ shadow: RoundShadow) async {
        let log =
            (try? String(contentsOf: sandbox.project.appendingPathComponent("effects.log"), encoding: .utf8)) ?? ""
        statistics.toolEffects += log.split(separator: "\n").filter { round.effects.values.contains(String($0)) }.count
        guard let snapshot = try? await readRealm(round) else { return }
        for row in snapshot.rows {
            let outcome = row.state.terminalCompletion.map { completion -> String in
                if case .abandonedWithError(let reason, _) = completion { return "abandoned_with_error(\(reason))" }
                return completion.completionType
            }
            statistics.outcomes[outcome ?? "\(row.phase)", default: 0] += 1
            // An input whose run a kill interrupted after applying it is answered by the continued run, or exhausted.
            if row.state.history.contains(where: { $0.reason == "InterruptedRunContinued" }) {
                switch row.seed.terminalOutcome {
                case .consumed?: statistics.continuedAnswered += 1
                case .abandoned(.maxAttemptsExhausted)?: statistics.continuedExhausted += 1
                default: violations.append("\(round.key): the continued input \(row.inputID) ended \(row.phase)")
                }
            }
            for entry in row.state.history {
                if let reason = entry.reason,
                    [
                        "RollbackStaged", "MissingBoundaryReceipt", "BoundaryReceiptCommitted",
                        "DurableTailRecovered", "MaxAttemptsExhausted", "LiveBoundaryApplied",
                        "LiveBoundaryUnavailable", "InterruptedRunContinued",
                    ].contains(reason)
                {
                    statistics.transitions[reason, default: 0] += 1
                }
            }
        }
    }

    // MARK: Helpers

    private static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    private static func terminalFacts(_ row: StoredInputState) -> String {
        let encoder = WireJSON.encoder()
        let outcome = (try? encoder.encode(row.seed.terminalOutcome)).map { String(decoding: $0, as: UTF8.self) }
        let completion = (try? encoder.encode(row.state.terminalCompletion)).map { String(decoding: $0, as: UTF8.self) }
        return "\(row.phase) \(outcome ?? "-") \(completion ?? "-")"
    }

    /// Whether the tool results after the assistant row at `index` answer any of its calls as interrupted.
    private static func answeredInterrupted(_ messages: [Message], after index: Int) -> Bool {
        guard index + 1 < messages.count, case .toolResults(let results, _) = messages[index + 1] else { return false }
        return results.contains { $0.isError && $0.text == SessionRuntime.interruptedToolResultText }
    }

    private static func openRunMarker(_ session: Session) -> (runID: String, start: Int)? {
        guard let marker = session.metadata[SessionRuntime.openRunMarkerKey],
            let run = marker["run_id"]?.stringValue, let start = marker["start"]?.intValue
        else { return nil }
        return (run, start)
    }

    /// Result text of every answered tool call.
    private static func toolResults(_ session: Session) -> [String: String] {
        var texts: [String: String] = [:]
        for message in session.messages {
            guard case .toolResults(let results, _) = message else { continue }
            for result in results { texts[result.toolUseID] = result.text }
        }
        return texts
    }

    /// Indices (from `start`) of the requests sent with the API key `key`.
    private static func requests(of key: String, in log: [MockRecordedRequest], from start: Int) -> [Int] {
        (max(0, min(start, log.count))..<log.count).filter { index in
            log[index].headers.contains { $0.name.lowercased() == "authorization" && $0.value == "Bearer \(key)" }
        }
    }

    /// The user texts of an OpenAI Responses request, and those after its last non-user item (what it starts).
    private static func requestView(_ request: MockRecordedRequest) -> (
        userTexts: [String], trailingUserTexts: [String]
    )? {
        guard request.path.hasSuffix("/responses"), let items = request.json?["input"]?.arrayValue else { return nil }
        var all: [String] = []
        var trailing: [String] = []
        for item in items {
            if item["role"]?.stringValue == "user" {
                let texts = item["content"]?.arrayValue?.compactMap { $0["text"]?.stringValue } ?? []
                all += texts
                trailing += texts
            } else {
                trailing = []
            }
        }
        return (all, trailing)
    }
}
