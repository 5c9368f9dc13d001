import Foundation
import MeerkatCore
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A local LLM provider for tests, benchmarks and `meerkat-mock serve`: speaks the Anthropic, OpenAI Chat
/// Completions, OpenAI Responses and Gemini streaming dialects on 127.0.0.1 (PROVIDERS.md §7).
///
/// Each request is validated like the real API (auth, required fields, tool-result pairing; violations get the
/// provider's own 4xx body), recorded, and answered by the next queued `MockScript`. With an empty queue the
/// server answers by rule (`MockRuleEngine`), or with a 500 when rule mode is off. The server notices when a
/// client abandons a response (cancellation) and counts it.
public final class MockProviderServer: Sendable {
    /// Server behaviour.
    public struct Configuration: Sendable {
        /// The only key accepted; nil accepts any non-empty key.
        public var apiKey: String?
        /// Whether OpenAI-style and Gemini requests must carry a key (Anthropic always needs `x-api-key`).
        /// Off = a keyless self-hosted server such as Ollama.
        public var requireAuth: Bool
        /// Answer by rule when no script is queued.
        public var ruleMode: Bool
        /// Reject Gemini model turns whose first `functionCall` part lacks `thoughtSignature` (Gemini 3 behaviour).
        public var geminiRequiresThoughtSignatures: Bool
        /// How rule-mode answers are streamed (e.g. a `chunkDelay` that makes every answer slow).
        public var ruleStreamOptions: MockStreamOptions
        /// Chat Completions: the `response_format.type` values accepted; nil accepts all. Others are refused the
        /// way llama-cpp-python refuses them: HTTP 500 whose body is a multi-line request-validation error.
        public var chatResponseFormats: Set<String>?
        /// Chat Completions: whether streams carry usage at all (false overrides every script's placement).
        public var chatStreamsUsage: Bool
        /// A simulated context window in tokens (request body bytes / `bytesPerToken`): a larger request gets the
        /// dialect's context-length error, and rule-mode answers report the request's tokens as input usage, keep
        /// their echo short and call no tool the request does not declare. nil = unlimited, fixed usage.
        public var contextWindowTokens: Int?
        /// Bytes per token of the simulated window.
        public var bytesPerToken: Int

        /// Creates a configuration.
        public init(
            apiKey: String? = nil, requireAuth: Bool = true, ruleMode: Bool = true,
            geminiRequiresThoughtSignatures: Bool = false, ruleStreamOptions: MockStreamOptions = MockStreamOptions(),
            chatResponseFormats: Set<String>? = nil, chatStreamsUsage: Bool = true, contextWindowTokens: Int? = nil,
            bytesPerToken: Int = 4
        ) {
            self.apiKey = apiKey
            self.requireAuth = requireAuth
            self.ruleMode = ruleMode
            self.geminiRequiresThoughtSignatures = geminiRequiresThoughtSignatures
            self.ruleStreamOptions = ruleStreamOptions
            self.chatResponseFormats = chatResponseFormats
            self.chatStreamsUsage = chatStreamsUsage
            self.contextWindowTokens = contextWindowTokens
            self.bytesPerToken = max(1, bytesPerToken)
        }

        /// A keyless server that behaves like llama-cpp-python's OpenAI-compatible server: `response_format` of
        /// type `json_schema` is refused (only `text` and `json_object` pass) and streams carry no usage.
        public static var llamaCppPython: Configuration {
            Configuration(requireAuth: false, chatResponseFormats: ["text", "json_object"], chatStreamsUsage: false)
        }

        /// The simulated token count of a request body.
        public func tokens(ofBody body: [UInt8]) -> Int { body.count / max(1, bytesPerToken) }

        func accepts(_ key: String) -> Bool {
            !key.isEmpty && (apiKey == nil || apiKey == key)
        }
    }

    /// Why the server cannot do what was asked.
    public enum ServerError: Error, Sendable, Equatable {
        case alreadyStarted
        case noLocalPort
    }

    private enum Metric { case requests, disconnects }

    private struct Waiter {
        var id: Int
        var metric: Metric
        var threshold: Int
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var scripts: [MockScript] = []
        var imageScripts: [MockImageBehaviour] = []
        var requests: [MockRecordedRequest] = []
        var disconnects = 0
        var connections = 0
        var serial = 0
        var waiters: [Waiter] = []
        var nextWaiterID = 0
        var port: Int?
        var serverChannel: (any Channel)?
        var serveTask: Task<Void, Never>?
    }

    private typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// The behaviour this server was created with.
    public let configuration: Configuration
    private let state = Mutex(State())

    /// Creates a stopped server.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Binds 127.0.0.1 on `port` (0 = an ephemeral port) and starts serving; returns the bound port.
    @discardableResult
    public func start(port requested: Int = 0) async throws -> Int {
        guard state.withLock({ $0.serverChannel == nil }) else { throw ServerError.alreadyStarted }
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: "127.0.0.1", port: requested) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: false)
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        guard let port = server.channel.localAddress?.port else {
            try? await server.channel.close()
            throw ServerError.noLocalPort
        }
        let task = Task<Void, Never> {
            try? await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await self.serve(connection) }
                    }
                }
            }
        }
        state.withLock {
            $0.port = port
            $0.serverChannel = server.channel
            $0.serveTask = task
        }
        return port
    }

    /// Stops listening and drops every open connection (stalled streams included).
    public func stop() async {
        let (channel, task) = state.withLock { state in
            defer {
                state.serverChannel = nil
                state.serveTask = nil
            }
            return (state.serverChannel, state.serveTask)
        }
        try? await channel?.close()
        task?.cancel()
        await task?.value
    }

    /// The bound port, once started.
    public var port: Int? { state.withLock { $0.port } }

    /// `http://127.0.0.1:<port>`, once started.
    public var baseURL: String { "http://127.0.0.1:\(port ?? 0)" }

    /// Queues scripts; each request consumes the first one.
    public func enqueue(_ scripts: MockScript...) {
        enqueue(contentsOf: scripts)
    }

    /// Queues scripts; each request consumes the first one.
    public func enqueue(contentsOf scripts: [MockScript]) {
        state.withLock { $0.scripts += scripts }
    }

    /// Queues image-endpoint behaviours; each image request consumes the first one (chat scripts are separate).
    public func enqueueImages(_ behaviours: MockImageBehaviour...) {
        state.withLock { $0.imageScripts += behaviours }
    }

    /// Image behaviours not yet consumed.
    public var pendingImageScripts: Int { state.withLock { $0.imageScripts.count } }

    /// Scripts not yet consumed.
    public var pendingScripts: Int { state.withLock { $0.scripts.count } }

    /// Every request received so far, in arrival order.
    public var requests: [MockRecordedRequest] { state.withLock { $0.requests } }

    /// How many TCP connections clients opened (pooling keeps this low).
    public var connectionCount: Int { state.withLock { $0.connections } }

    /// How many responses the client abandoned before they were complete (cancellation, timeouts).
    public var clientDisconnects: Int { state.withLock { $0.disconnects } }

    /// Waits until at least `count` responses were abandoned by the client; false on timeout.
    public func waitForClientDisconnects(_ count: Int = 1, timeout: Duration = .seconds(5)) async -> Bool {
        await wait(for: .disconnects, atLeast: count, timeout: timeout)
    }

    /// Waits until at least `count` requests arrived; false on timeout.
    public func waitForRequests(_ count: Int, timeout: Duration = .seconds(5)) async -> Bool {
        await wait(for: .requests, atLeast: count, timeout: timeout)
    }

    private func wait(for metric: Metric, atLeast threshold: Int, timeout: Duration) async -> Bool {
        let id: Int = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let timer = Task {
            do { try await Task.sleep(for: timeout) } catch { return }
            self.resumeWaiter(id: id, with: false)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let satisfied = state.withLock { state in
                if Self.value(of: metric, in: state) >= threshold { return true }
                state.waiters.append(Waiter(id: id, metric: metric, threshold: threshold, continuation: continuation))
                return false
            }
            if satisfied { continuation.resume(returning: true) }
        }
    }

    private func resumeWaiter(id: Int, with value: Bool) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(returning: value)
    }

    private static func value(of metric: Metric, in state: State) -> Int {
        switch metric {
        case .requests: state.requests.count
        case .disconnects: state.disconnects
        }
    }

    /// Applies `change` and resumes the waiters it satisfies.
    private func update(_ change: (inout State) -> Void) {
        let ready = state.withLock { state -> [Waiter] in
            change(&state)
            let current = state
            let ready = state.waiters.filter { Self.value(of: $0.metric, in: current) >= $0.threshold }
            state.waiters.removeAll { Self.value(of: $0.metric, in: current) >= $0.threshold }
            return ready
        }
        for waiter in ready { waiter.continuation.resume(returning: true) }
    }

    // MARK: Serving

    /// Tracks whether a response finished writing, to tell a client that left early from one that left after.
    private final class Playback: Sendable {
        let finished = Mutex(false)
    }

    private func serve(_ connection: Connection) async {
        update { $0.connections += 1 }
        let channel = connection.channel
        var running: (task: Task<Void, Never>, playback: Playback)?
        defer { running?.task.cancel() }
        try? await connection.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            while true {
                let part: HTTPServerRequestPart?
                do { part = try await iterator.next() } catch { part = nil }
                guard let part else {
                    if let running, !running.playback.finished.withLock({ $0 }) {
                        update { $0.disconnects += 1 }
                        running.task.cancel()
                    }
                    return
                }
                switch part {
                case .head(let requestHead):
                    if let previous = running { await previous.task.value }
                    running = nil
                    head = requestHead
                    body = []
                case .body(let buffer):
                    body += buffer.readableBytesView
                case .end:
                    guard let requestHead = head else { continue }
                    head = nil
                    let plan = respond(to: requestHead, body: body)
                    let playback = Playback()
                    let task = Task { await Self.play(plan, outbound: outbound, channel: channel, playback: playback) }
                    running = (task, playback)
                }
            }
        }
    }

    /// Records the request and decides the response.
    private func respond(to head: HTTPRequestHead, body: [UInt8]) -> MockResponsePlan {
        let components = URLComponents(string: head.uri)
        let path = components?.path ?? head.uri
        var query: [String: String] = [:]
        for item in components?.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let route = MockDialect.route(path: path)
        let record = MockRecordedRequest(
            method: head.method.rawValue, path: path, query: query, headers: head.headers.map { ($0.name, $0.value) },
            body: body, dialect: route?.dialect)
        var serial = 0
        update { state in
            state.requests.append(record)
            state.serial += 1
            serial = state.serial
        }
        if route == nil, let image = MockImageEndpoint.route(path: path) {
            return respondToImage(record, endpoint: image.endpoint, pathModel: image.pathModel, serial: serial)
        }
        guard let route else {
            return .body(status: 404, #"{"error":{"message":"mock: no route for \#(path)","type":"not_found_error"}}"#)
        }
        guard head.method == .POST else {
            return .body(status: 405, #"{"error":{"message":"mock: use POST","type":"invalid_request_error"}}"#)
        }
        do {
            try route.dialect.validate(record, configuration)
        } catch {
            return error.plan
        }
        let json = record.json
        let tokens = configuration.tokens(ofBody: body)
        if let window = configuration.contextWindowTokens, tokens > window {
            return route.dialect.errorPlan(.contextLengthExceeded)
        }
        let script: MockScript? = state.withLock { $0.scripts.isEmpty ? nil : $0.scripts.removeFirst() }
        let model = route.dialect.model(body: json, pathModel: route.pathModel)
        func withUsagePolicy(_ options: MockStreamOptions) -> MockStreamOptions {
            var options = options
            if route.dialect == .chatCompletions, !configuration.chatStreamsUsage { options.chatUsage = .none }
            return options
        }
        switch script {
        case .turn(let turn, let options)?:
            return route.dialect.streamPlan(
                turn, MockRenderContext(model: model, serial: serial, options: withUsagePolicy(options)))
        case .error(let error)?:
            return route.dialect.errorPlan(error)
        case .raw(let raw)?:
            return .raw(raw)
        case nil:
            guard configuration.ruleMode, let json else {
                return .body(status: 500, #"{"error":{"message":"mock: no script queued","type":"api_error"}}"#)
            }
            var turn = MockRuleEngine.turn(for: route.dialect.conversation(json), serial: serial)
            if configuration.contextWindowTokens != nil {
                // Like a real model, never call a tool the request does not declare (summary calls have none).
                let declaresTools = (json["tools"]?.arrayValue?.isEmpty == false)
                if !declaresTools, !turn.toolCalls.isEmpty {
                    turn = .text("summary: " + (route.dialect.conversation(json).lastUserText ?? ""))
                }
                turn.usage.input = tokens
                turn.items = turn.items.map { item in
                    if case .text(let text) = item, text.count > 300 { return .text(String(text.prefix(300)) + "…") }
                    return item
                }
            }
            return route.dialect.streamPlan(
                turn,
                MockRenderContext(
                    model: model, serial: serial, options: withUsagePolicy(configuration.ruleStreamOptions)))
        }
    }

    /// The answer of an image endpoint: validation like the provider, then the queued behaviour, else the rule.
    private func respondToImage(
        _ record: MockRecordedRequest, endpoint: MockImageEndpoint, pathModel: String?, serial: Int
    ) -> MockResponsePlan {
        guard record.method == "POST" else {
            return .body(status: 405, #"{"error":{"message":"mock: use POST","type":"invalid_request_error"}}"#)
        }
        if let failure = MockImageDialect.authFailure(endpoint, record, configuration) { return failure }
        let json = record.json
        if let invalid = MockImageDialect.invalidBody(endpoint, body: json) { return invalid }
        let queued: MockImageBehaviour? = state.withLock {
            $0.imageScripts.isEmpty ? nil : $0.imageScripts.removeFirst()
        }
        var behaviour = queued
        if behaviour == nil, configuration.ruleMode {
            behaviour = MockImageBehaviour.rule(forPrompt: MockImageDialect.prompt(endpoint, body: json) ?? "")
        }
        guard let behaviour else {
            return .body(status: 500, #"{"error":{"message":"mock: no image behaviour queued","type":"api_error"}}"#)
        }
        let model = pathModel ?? json?["model"]?.stringValue ?? "mock-image-model"
        return MockImageDialect.plan(behaviour, endpoint: endpoint, model: model, body: json, serial: serial)
    }

    private static func play(
        _ plan: MockResponsePlan, outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
        channel: any Channel, playback: Playback
    ) async {
        do {
            if let delay = plan.headerDelay { try await Task.sleep(for: delay) }
            var headers = HTTPHeaders(plan.headers)
            if headers["content-length"].isEmpty, headers["transfer-encoding"].isEmpty {
                headers.add(name: "transfer-encoding", value: "chunked")
            }
            let head = HTTPResponseHead(
                version: .http1_1, status: HTTPResponseStatus(statusCode: plan.status), headers: headers)
            try await outbound.write(.head(head))
            for segment in plan.segments {
                switch segment {
                case .bytes(let bytes): try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: bytes))))
                case .pause(let delay): try await Task.sleep(for: delay)
                }
            }
            switch plan.ending {
            case .complete:
                try await outbound.write(.end(nil))
                playback.finished.withLock { $0 = true }
            case .abruptClose:
                playback.finished.withLock { $0 = true }
                try await channel.close()
            case .reset:
                playback.finished.withLock { $0 = true }
                // SO_LINGER with a zero timeout makes close() send RST instead of FIN.
                try await (channel as? any SocketOptionProvider)?.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
                try await channel.close()
            case .stall:
                try await Task.sleep(for: .seconds(3600))
            case .keepAlive(let interval, let comment):
                while true {
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: comment))))
                    try await Task.sleep(for: interval)
                }
            }
        } catch {
            // The client went away or the server is stopping; the connection loop records it.
        }
    }
}
