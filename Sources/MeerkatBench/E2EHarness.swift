import AsyncHTTPClient
import Foundation
import MeerkatCore
import MeerkatProviders
import MeerkatRuntime
import MeerkatSQLite
import MeerkatService
import MeerkatTesting
import MeerkatTools
import NIOCore
import NIOHTTP1
import Synchronization

/// The provider side of the end-to-end benchmark: the in-process mock (rule mode, keyless) or an external server,
/// and the floor — a bare AsyncHTTPClient loop sending given request bodies and reading each streamed response to
/// its end.
final class E2EHarness: Sendable {
    /// The in-process mock: serves the stack unless an external URL is given, and always records request bodies.
    let mock: MockProviderServer
    /// The Chat Completions base URL the stack and the floor use.
    let chatURL: String
    /// Whether `chatURL` is an external server (request bodies are then captured from a twin run on the mock).
    let external: Bool
    /// The floor's own client: same pool settings as the stack's transport, nothing else in front of it.
    private let floorClient: HTTPClient

    private init(mock: MockProviderServer, chatURL: String, external: Bool) {
        self.mock = mock
        self.chatURL = chatURL
        self.external = external
        var settings = HTTPClient.Configuration(redirectConfiguration: .disallow, decompression: .disabled)
        settings.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        floorClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: settings)
    }

    static func start(externalURL: String?) async throws -> E2EHarness {
        let mock = MockProviderServer(configuration: .init(requireAuth: false, ruleMode: true))
        _ = try await mock.start()
        let url = externalURL.map { $0.hasSuffix("/v1") ? $0 : $0 + "/v1" } ?? mock.baseURL + "/v1"
        return E2EHarness(mock: mock, chatURL: url, external: externalURL != nil)
    }

    /// The in-process mock's Chat Completions base URL.
    var mockChatURL: String { mock.baseURL + "/v1" }

    /// The mock's base URL for the OpenAI Responses dialect (`OPENAI_BASE_URL` of a `skat` child).
    var openAIBaseURL: String { mock.baseURL + "/v1" }

    func stop() async {
        try? await floorClient.shutdown()
        await mock.stop()
    }

    /// Runs `body` (one turn against the in-process mock) and returns the bodies of the last `expected` requests it
    /// made, in order.
    func captureBodies(expected: Int, _ body: () async throws -> Void) async throws -> [[UInt8]] {
        let before = mock.requests.count
        try await body()
        let requests = mock.requests
        guard requests.count - before >= expected else {
            throw BenchError("expected \(expected) requests, the mock saw \(requests.count - before)")
        }
        return requests.suffix(expected).map(\.body)
    }

    /// The floor: one iteration per run, each sending that run's request bodies in order and draining each streamed
    /// response.
    func floor(runs: some Collection<[[UInt8]]>) async throws -> (stats: Stats, total: Duration, cpu: Double) {
        var samples: [Duration] = []
        samples.reserveCapacity(runs.count)
        let clock = ContinuousClock()
        let cpuStart = CPUTime.now()
        let start = clock.now
        for bodies in runs {
            let began = clock.now
            for body in bodies { try await send(body) }
            samples.append(clock.now - began)
        }
        return (Stats(samples), clock.now - start, CPUTime.now() - cpuStart)
    }

    private func send(_ body: [UInt8]) async throws {
        var request = HTTPClientRequest(url: chatURL + "/chat/completions")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "text/event-stream")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await floorClient.execute(request, timeout: .seconds(60))
        guard response.status == .ok else { throw BenchError("floor request answered \(response.status)") }
        for try await _ in response.body {}
    }

    /// Runs `body` and returns when the mock received its next request (nil when none arrived).
    func timeToFirstRequest(_ body: @Sendable @escaping () async throws -> Void) async throws -> ContinuousClock
        .Instant?
    {
        let target = mock.requests.count + 1
        let mock = self.mock
        let arrival = Task { () -> ContinuousClock.Instant? in
            await mock.waitForRequests(target, timeout: .seconds(30)) ? ContinuousClock.now : nil
        }
        try await body()
        return await arrival.value
    }
}

/// The session side of the benchmark: a `SessionService` over an in-memory or SQLite realm whose agents talk to the
/// benchmark's Chat Completions URL through the real client and the shared transport, with one trivial tool.
final class E2EStack: Sendable {
    let service: SessionService
    let intent = SessionIntent(model: "bench-model", tools: ToolPreset.none)
    private let realm: Realm?
    private let directory: URL?

    private init(service: SessionService, realm: Realm?, directory: URL?) {
        self.service = service
        self.realm = realm
        self.directory = directory
    }

    /// - Parameter builtinTools: agents get the builtin tools of the default preset instead of `bench_echo`.
    static func open(backend: E2EBackend, providerURL: String, builtinTools: Bool = false) async throws -> E2EStack {
        var factory = BenchAgentFactory(baseURL: providerURL)
        if builtinTools {
            factory.builtins = BuiltinTools(root: try ProjectRoot(FileManager.default.temporaryDirectory.path))
        }
        let prompts = SystemPromptAssembler(projectRoot: nil, homeDirectory: nil)
        switch backend {
        case .memory:
            let store = InMemoryRuntimeStore()
            let service = SessionService(
                store: store, sessions: store, factory: factory, config: MeerkatConfig(), prompts: prompts)
            return E2EStack(service: service, realm: nil, directory: nil)
        case .sqlite, .sqlitePower:
            let directory = try E2EBench.temporaryDirectory("realm")
            let realm = try Realm.open(
                stateRoot: directory, realmID: try RealmID("bench"), backend: .sqlite,
                durability: backend == .sqlitePower ? .power : .process)
            let service = SessionService(
                store: realm.runtimeStore, sessions: realm.sessionStore, factory: factory, config: MeerkatConfig(),
                prompts: prompts, leasing: realm.runtimeStore as? any SessionLeasing, eventLog: realm.eventLog)
            return E2EStack(service: service, realm: realm, directory: directory)
        }
    }

    /// One prompt, waited for to its terminal outcome; anything but `completed` is an error.
    func turn(_ session: SessionID, _ text: String) async throws {
        let (outcome, handle) = try await service.startTurn(session, prompt: .text(text))
        guard let handle else { throw BenchError("prompt not accepted: \(outcome)") }
        let result = try await handle.wait()
        guard case .completed = result else { throw BenchError("turn ended \(result)") }
    }

    func close() {
        let service = self.service
        let realm = self.realm
        let directory = self.directory
        // Closing is not measured; it finishes in the background of the next row, and each section waits for the
        // closings before it (`closed()`), so a large stack's shutdown does not run under another section's rows.
        let closing = Task {
            await service.shutdown()
            try? realm?.close()
            if let directory { try? FileManager.default.removeItem(at: directory) }
        }
        Self.closings.withLock { $0.append(closing) }
    }

    private static let closings = Mutex<[Task<Void, Never>]>([])

    /// Waits until every stack closed so far has finished closing.
    static func closed() async {
        let pending = closings.withLock { tasks in
            defer { tasks = [] }
            return tasks
        }
        for closing in pending { await closing.value }
    }
}

/// Agents on the real Chat Completions client (self-hosted flavour, no key) with one tool, `bench_echo`; or, for the
/// memory row, with the builtin tools of the service's default preset, as a real session has them.
private struct BenchAgentFactory: AgentFactory {
    let baseURL: String
    var builtins: BuiltinTools?

    func makeAgent(for session: Session, intent: SessionIntent, config: MeerkatConfig) async throws(ServiceError)
        -> Agent
    {
        let client = ChatCompletionsClient.selfHosted(baseURL: baseURL)
        var agentConfig = AgentConfig(model: intent.model ?? "bench-model")
        agentConfig.maxTokensPerTurn = 256
        // Every agent the service's own factory builds has a compaction policy, whose trigger estimates each request;
        // so do these, with a window no row reaches.
        agentConfig.compaction = CompactionPolicy(contextWindow: 1_000_000)
        let tools = builtins?.dispatcher(preset: config.tools.preset) ?? ToolDispatcher([EchoTool()])
        return Agent(session: session, client: client, tools: tools, config: agentConfig)
    }
}

/// Returns its arguments as text.
private struct EchoTool: Tool {
    let definition = ToolDefinition(
        name: "bench_echo", description: "Echoes its arguments.",
        inputSchema: .object(["type": .string("object")]))

    func call(_ arguments: JSONValue, context: ToolCallContext) async throws -> ToolOutput {
        .text(arguments.compactText())
    }
}

/// The realm a row runs on.
enum E2EBackend: String, Codable, Sendable {
    case memory
    /// SQLite with the default durability (`process`: survives SIGKILL).
    case sqlite
    /// SQLite with `power` durability (an fsync per commit).
    case sqlitePower = "sqlite_power"
}

/// Whether each run gets a new session or all runs share one.
enum E2EShape: String, Codable, Sendable {
    case newSessionPerRun = "new_session_per_run"
    case oneSession = "one_session"
}

/// A benchmark failure.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
