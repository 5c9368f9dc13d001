import AsyncHTTPClient
import Foundation
import MeerkatCore
import MeerkatProviders
import MeerkatRuntime
import MeerkatSQLite
import MeerkatService
import MeerkatTesting
import NIOCore

/// The whole stack — `SessionService` → runtime → agent → real Chat Completions client → mock provider on loopback —
/// measured against the floor: the same HTTP requests made by a bare AsyncHTTPClient loop against the same mock in
/// the same process and run. See docs/performance.md.
///
/// Settings come from the environment (all optional):
/// - `MEERKAT_BENCH_RUNS` — sequential runs per row (default 300);
/// - `MEERKAT_BENCH_PROVIDER_URL` — an external Chat Completions server (rule mode: `echo: …`, `call tool NAME {}`)
///   instead of the in-process mock;
/// - `MEERKAT_BENCH_JSON` — where to write the JSON results (default: none);
/// - `MEERKAT_BENCH_SECTIONS` — a comma-separated subset of `overhead,history,concurrency,memory,acceptance,startup`;
/// - `MEERKAT_BENCH_MAX_SESSIONS` — the largest concurrency and memory row (default 10000);
/// - `MEERKAT_BENCH_BACKENDS` — the realms of the overhead and history rows (default `memory,sqlite,sqlite_power`);
/// - `MEERKAT_BENCH_HISTORY` — the history lengths of the history rows (default `10,100,1000,5000`);
/// - `MEERKAT_BENCH_SHAPES` / `MEERKAT_BENCH_TOOLS` — the overhead rows' shapes (`new_session_per_run,one_session`)
///   and tool counts (`0,1`), e.g. to profile one row;
/// - `MEERKAT_EXECUTOR` — `nio` runs the whole process (and the `skat` it starts) with NIO's event loops as Swift's
///   global executor (`ProcessExecutor`); default `swift`;
/// - `MEERKAT_BENCH_LOG_LEVEL` — the log level of every logger of the process (default `warning`, as `skat`).
enum E2EBench {
    static func run() async throws {
        let settings = Settings(environment: ProcessInfo.processInfo.environment)
        let bench = try await E2EHarness.start(externalURL: settings.providerURL)
        let executor = (try? ProcessExecutor.chosen(environment: ProcessInfo.processInfo.environment)) ?? .swift
        let logLevel = (try? BenchLogging.level(environment: ProcessInfo.processInfo.environment)) ?? .warning
        var report = E2EReport(
            machine: machineDescription(), executor: executor.rawValue, logLevel: logLevel.rawValue,
            runs: settings.runs)
        print("executor: \(executor.rawValue) (\(ProcessExecutor.environmentVariable)), log level: \(logLevel)")
        do {
            // Memory first: later rows leave freed heap behind that new sessions would reuse unseen.
            if settings.wants("memory") { try await memory(bench, settings, &report) }
            if settings.wants("overhead") {
                await E2EStack.closed()
                try await overhead(bench, settings, &report)
            }
            if settings.wants("history") {
                await E2EStack.closed()
                try await history(bench, settings, &report)
            }
            if settings.wants("concurrency") {
                await E2EStack.closed()
                try await concurrency(bench, settings, &report)
            }
            if settings.wants("acceptance") {
                await E2EStack.closed()
                try await acceptance(settings, &report)
            }
            if settings.wants("startup") {
                await E2EStack.closed()
                try await startup(bench, &report)
            }
        } catch {
            await bench.stop()
            throw error
        }
        await bench.stop()
        if let path = settings.jsonPath {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: path))
            print("wrote \(path)")
        }
    }

    // MARK: Turn overhead

    private static func overhead(_ bench: E2EHarness, _ settings: Settings, _ report: inout E2EReport) async throws {
        print("-- turn overhead over the floor (\(settings.runs) sequential runs per row)")
        print(E2ERow.header)
        for backend in [E2EBackend.memory, .sqlite, .sqlitePower] where settings.backends.contains(backend) {
            for tool in [false, true] where settings.tools.contains(tool) {
                for shape in [E2EShape.newSessionPerRun, .oneSession] where settings.shapes.contains(shape) {
                    // Against an external server the floor's bodies come from a twin run on the in-process mock,
                    // which matches only for a fresh session.
                    if bench.external && shape == .oneSession { continue }
                    let row = try await overheadRow(bench, backend: backend, tool: tool, shape: shape, settings.runs)
                    print(row.line)
                    report.overhead.append(row)
                }
            }
        }
    }

    private static func overheadRow(
        _ bench: E2EHarness, backend: E2EBackend, tool: Bool, shape: E2EShape, _ runs: Int
    ) async throws -> E2ERow {
        let stack = try await E2EStack.open(backend: backend, providerURL: bench.chatURL)
        defer { stack.close() }
        let prompt = { (index: Int) in tool ? "run \(index): call tool bench_echo {\"n\":\(index)}" : "run \(index)" }
        // Warm up the stack (the floor warms up on the first recorded runs).
        let oneSession = try await stack.service.createSession(CreateSessionRequest(intent: stack.intent))
        var warmSession = oneSession
        for index in 0..<20 {
            if shape == .newSessionPerRun {
                warmSession = try await stack.service.createSession(CreateSessionRequest(intent: stack.intent))
            }
            try await stack.turn(warmSession, prompt(index))
        }
        // The floor replays exactly the requests the measured runs made (recorded by the in-process mock); against
        // an external server they come from a twin stack on the mock, which matches for fresh sessions.
        let twin = bench.external ? try await E2EStack.open(backend: backend, providerURL: bench.mockChatURL) : nil
        defer { twin?.close() }

        var samples: [Duration] = []
        samples.reserveCapacity(runs)
        var requests: [[[UInt8]]] = []
        requests.reserveCapacity(runs)
        let cpuStart = CPUTime.now()
        let clock = ContinuousClock()
        let start = clock.now
        for index in 0..<runs {
            let before = bench.mock.requests.count
            let began = clock.now
            let session =
                shape == .newSessionPerRun
                ? try await stack.service.createSession(CreateSessionRequest(intent: stack.intent)) : oneSession
            try await stack.turn(session, prompt(index))
            samples.append(clock.now - began)
            if !bench.external { requests.append(bench.mock.requests[before...].map(\.body)) }
        }
        let total = clock.now - start
        let cpu = CPUTime.now() - cpuStart
        if let twin {
            for index in 0..<runs {
                requests.append(
                    try await bench.captureBodies(expected: tool ? 2 : 1) {
                        let session = try await twin.service.createSession(CreateSessionRequest(intent: twin.intent))
                        try await twin.turn(session, prompt(index))
                    })
            }
        }
        _ = try await bench.floor(runs: requests.prefix(20))
        let floor = try await bench.floor(runs: requests)
        return E2ERow(
            backend: backend, tool: tool, shape: shape, runs: runs, stack: Stats(samples), floor: floor.stats,
            stackTotal: total, floorTotal: floor.total, cpuPerRun: cpu / Double(runs),
            floorCPUPerRun: floor.cpu / Double(runs))
    }

    // MARK: History growth

    private static func history(_ bench: E2EHarness, _ settings: Settings, _ report: inout E2EReport) async throws {
        print("-- per-turn overhead by history length (one session, no tool)")
        guard !bench.external else {
            print("skipped: needs the in-process mock (the floor replays the exact request of each history length)")
            return
        }
        // Each row measures turns that start at (close to) its length: a session is grown to the length, then a few
        // turns are measured on it (a tenth of the length, 5 to 100), on as many fresh sessions as it takes to
        // measure `samples` turns. So the 10-message row is measured at 10–20 messages, not at the hundreds its
        // own measured turns would add to one session.
        let samples = max(20, min(settings.runs, 100))
        for backend in [E2EBackend.memory, .sqlite] where settings.backends.contains(backend) {
            let stack = try await E2EStack.open(backend: backend, providerURL: bench.chatURL)
            defer { stack.close() }
            var turn = 0
            for target in settings.historyLengths.sorted() {
                let window = min(100, max(5, target / 10))
                var durations: [Duration] = []
                var requests: [[[UInt8]]] = []
                var total = Duration.zero
                var cpu = 0.0
                while durations.count < samples {
                    let session = try await stack.service.createSession(CreateSessionRequest(intent: stack.intent))
                    var messages = 1  // the system prompt
                    while messages < target {
                        try await stack.turn(session, "history turn \(turn)")
                        turn += 1
                        messages += 2
                    }
                    let clock = ContinuousClock()
                    let cpuStart = CPUTime.now()
                    let start = clock.now
                    for _ in 0..<min(window, samples - durations.count) {
                        let before = bench.mock.requests.count
                        let began = clock.now
                        try await stack.turn(session, "measured turn \(turn)")
                        durations.append(clock.now - began)
                        requests.append(bench.mock.requests[before...].map(\.body))
                        turn += 1
                    }
                    total += clock.now - start
                    cpu += CPUTime.now() - cpuStart
                }
                let floor = try await bench.floor(runs: requests)
                let turns = durations.count
                let row = E2EHistoryRow(
                    backend: backend, messages: target, turns: turns, requestBytes: requests[0].first?.count ?? 0,
                    stack: Stats(durations), floor: floor.stats,
                    overheadPerTurnMS: (total - floor.total).fractionalMilliseconds / Double(turns),
                    cpuPerTurnMS: cpu * 1000 / Double(turns))
                print(row.line)
                report.history.append(row)
            }
        }
    }

    // MARK: Concurrency

    private static func concurrency(_ bench: E2EHarness, _ settings: Settings, _ report: inout E2EReport) async throws {
        print("-- concurrent sessions, one turn each at once (in-memory realm, no tool)")
        for sessions in [1, 100, 1_000, 10_000] where sessions <= settings.maxSessions {
            let stack = try await E2EStack.open(backend: .memory, providerURL: bench.chatURL)
            defer { stack.close() }
            var ids: [SessionID] = []
            ids.reserveCapacity(sessions)
            for _ in 0..<sessions {
                ids.append(try await stack.service.createSession(CreateSessionRequest(intent: stack.intent)))
            }
            let clock = ContinuousClock()
            let cpuStart = CPUTime.now()
            let start = clock.now
            let results = await withTaskGroup(of: Duration?.self) { group in
                for (index, id) in ids.enumerated() {
                    group.addTask {
                        let began = ContinuousClock.now
                        do {
                            try await stack.turn(id, "concurrent \(index)")
                            return ContinuousClock.now - began
                        } catch {
                            return nil
                        }
                    }
                }
                var collected: [Duration?] = []
                for await result in group { collected.append(result) }
                return collected
            }
            let total = clock.now - start
            let cpu = CPUTime.now() - cpuStart
            let latencies = results.compactMap { $0 }
            let row = E2EConcurrencyRow(
                sessions: sessions, turnsPerSecond: Double(latencies.count) / total.seconds,
                latency: Stats(latencies), cpuPerTurnMS: cpu * 1000 / Double(max(1, latencies.count)),
                errors: results.count - latencies.count)
            print(row.line)
            report.concurrency.append(row)
        }
    }

    // MARK: Memory

    private static func memory(_ bench: E2EHarness, _ settings: Settings, _ report: inout E2EReport) async throws {
        let count = settings.maxSessions
        print(
            "-- resident memory of \(count) idle live sessions (in-memory realm: session, agent with the default "
                + "preset's builtin tools, and runtime loaded)")
        let stack = try await E2EStack.open(backend: .memory, providerURL: bench.chatURL, builtinTools: true)
        defer { stack.close() }
        // One warm session first, so that one-time allocations (client pools, caches) are not counted per session.
        let warm = try await stack.service.createSession(CreateSessionRequest(intent: stack.intent))
        try await stack.turn(warm, "warm")
        let before = ResidentMemory.bytes()
        // Sessions are made live without a turn: a turn would also grow the mock's request log, which lives in this
        // process. `createSession` persists the session, builds its agent and opens its runtime.
        for _ in 0..<count {
            _ = try await stack.service.createSession(CreateSessionRequest(intent: stack.intent))
        }
        let after = ResidentMemory.bytes()
        let perSession = Double(after - before) / Double(count)
        let row = E2EMemoryRow(
            sessions: count, residentBefore: before, residentAfter: after, bytesPerSession: perSession)
        print(row.line)
        report.memory = row
    }

    // MARK: Durable acceptance

    private static func acceptance(_ settings: Settings, _ report: inout E2EReport) async throws {
        print("-- durable acceptance on the SQLite realm (accept only; no run is started)")
        for callers in [1, 16] {
            let directory = try temporaryDirectory("accept")
            defer { try? FileManager.default.removeItem(at: directory) }
            let realm = try Realm.open(stateRoot: directory, realmID: try RealmID("bench"), backend: .sqlite)
            defer { try? realm.close() }
            var runtimes: [SessionRuntime] = []
            for _ in 0..<callers {
                let (runtime, _) = try await SessionRuntime.open(session: SessionID(), store: realm.runtimeStore)
                runtimes.append(runtime)
            }
            let perCaller = max(200, settings.runs * 10 / callers)
            let clock = ContinuousClock()
            let start = clock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (caller, runtime) in runtimes.enumerated() {
                    group.addTask {
                        for index in 0..<perCaller {
                            _ = try await runtime.accept(.prompt(PromptInput(content: .text("c\(caller) #\(index)"))))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let total = clock.now - start
            let accepted = perCaller * callers
            let row = E2EAcceptanceRow(
                callers: callers, inputs: accepted, inputsPerSecond: Double(accepted) / total.seconds)
            print(row.line)
            report.acceptance.append(row)
        }
    }

    // MARK: Startup

    private static func startup(_ bench: E2EHarness, _ report: inout E2EReport) async throws {
        print("-- skat startup (release build of skat next to this binary)")
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("skat")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            print("skat not found at \(binary.path); build it first (swift build -c release --product skat)")
            return
        }
        var version: [Duration] = []
        for _ in 0..<30 {
            let start = ContinuousClock.now
            _ = try await runProcess(binary, ["--version"], directory: nil, environment: nil)
            version.append(ContinuousClock.now - start)
        }
        let directory = try temporaryDirectory("startup")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent(".git"), withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = directory.path
        environment["OPENAI_API_KEY"] = "sk-bench"
        environment["OPENAI_BASE_URL"] = bench.openAIBaseURL
        for key in ["ANTHROPIC_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY"] { environment[key] = nil }
        let childEnvironment = environment
        var firstByte: [Duration] = []
        for index in 0..<15 {
            let start = ContinuousClock.now
            let arrival = try await bench.timeToFirstRequest {
                _ = try await runProcess(
                    binary, ["run", "--realm-backend", "memory", "-m", "gpt-5.5", "startup \(index)"],
                    directory: directory, environment: childEnvironment)
            }
            if let arrival { firstByte.append(arrival - start) }
        }
        let row = E2EStartupRow(version: Stats(version), firstRequestByte: Stats(firstByte))
        print(row.line)
        report.startup = row
    }

    // MARK: Helpers

    /// Runs `binary` to its end. Waits through `terminationHandler`, not `waitUntilExit()`: a thread blocked on the
    /// child would be an event loop with `MEERKAT_EXECUTOR=nio`, possibly the one serving the mock the child calls.
    private static func runProcess(
        _ binary: URL, _ arguments: [String], directory: URL?, environment: [String: String]?
    ) async throws -> Int32 {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if let environment { process.environment = environment }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
            process.terminationHandler = { ended in continuation.resume(returning: ended.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
    }

    static func temporaryDirectory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "meerkat-bench-\(name)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private static func machineDescription() -> String {
        let cpuInfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuInfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
            ?? "unknown CPU"
        return "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(model)"
    }

    /// Environment settings of the suite.
    struct Settings {
        var runs: Int
        var providerURL: String?
        var jsonPath: String?
        var sections: Set<String>?
        var maxSessions: Int
        var backends: Set<E2EBackend>
        /// History lengths of the history-growth rows.
        var historyLengths: [Int]
        /// The shapes of the overhead rows (`MEERKAT_BENCH_SHAPES`: `new_session_per_run,one_session`).
        var shapes: Set<E2EShape>
        /// The tool counts of the overhead rows (`MEERKAT_BENCH_TOOLS`: `0,1`).
        var tools: Set<Bool>

        init(environment: [String: String]) {
            runs = environment["MEERKAT_BENCH_RUNS"].flatMap(Int.init) ?? 300
            providerURL = environment["MEERKAT_BENCH_PROVIDER_URL"]
            jsonPath = environment["MEERKAT_BENCH_JSON"]
            sections = environment["MEERKAT_BENCH_SECTIONS"].map {
                Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            }
            maxSessions = environment["MEERKAT_BENCH_MAX_SESSIONS"].flatMap(Int.init) ?? 10_000
            backends = Set(
                (environment["MEERKAT_BENCH_BACKENDS"] ?? "memory,sqlite,sqlite_power").split(separator: ",").compactMap
                {
                    E2EBackend(rawValue: $0.trimmingCharacters(in: .whitespaces))
                })
            historyLengths =
                environment["MEERKAT_BENCH_HISTORY"].map { $0.split(separator: ",").compactMap { Int($0) } }
                ?? [10, 100, 1_000, 5_000]
            shapes = Set(
                (environment["MEERKAT_BENCH_SHAPES"] ?? "new_session_per_run,one_session").split(separator: ",")
                    .compactMap { E2EShape(rawValue: $0.trimmingCharacters(in: .whitespaces)) })
            tools = Set(
                (environment["MEERKAT_BENCH_TOOLS"] ?? "0,1").split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespaces) != "0"
                })
        }

        func wants(_ section: String) -> Bool { sections?.contains(section) ?? true }
    }
}
