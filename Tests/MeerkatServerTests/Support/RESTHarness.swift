import AsyncHTTPClient
import Foundation
import MeerkatCore
import MeerkatSQLite
import MeerkatServer
import MeerkatService
import MeerkatTesting
import NIOCore
import NIOHTTP1

/// A live REST server over a realm in a temp folder, with the in-process mock provider as its model, and an HTTP
/// client talking to it over a real loopback socket.
final class RESTHarness: Sendable {
    let folder: URL
    let mock: MockProviderServer
    let mockPort: Int
    let environment: ServiceEnvironment
    let server: RESTServer
    let handle: RESTServerHandle
    let client: HTTPClient
    let token: String?
    let recorder: ResponseRecorder

    var base: String { "http://127.0.0.1:\(handle.port)" }
    var service: SessionService { environment.service }

    /// Starts everything; `folder` reuses an earlier harness's realm (a server restart), `mock` its mock.
    static func start(
        backend: RealmBackend = .memory, folder: URL? = nil, mock existing: (MockProviderServer, Int)? = nil,
        token: String? = nil, limits: ServerLimits = ServerLimits(),
        service: SessionServiceOptions = SessionServiceOptions(), tools: String = "none",
        recorder: ResponseRecorder = ResponseRecorder(), extraModels: [String] = [], corsOrigin: String? = nil
    ) async throws -> RESTHarness {
        let folder =
            folder
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("meerkat-rest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent(".skat"), withIntermediateDirectories: true)
        let mock: MockProviderServer
        let mockPort: Int
        if let existing {
            (mock, mockPort) = existing
        } else {
            mock = MockProviderServer(
                configuration: MockProviderServer.Configuration(requireAuth: false, ruleMode: true))
            mockPort = try await mock.start()
        }
        // More self-hosted models on the same mock server (routing tests switch between them).
        var models: [String: JSONValue] = [
            "mock-model": ["server": "mock", "remote_model": "mock-model", "context_window": 32000]
        ]
        for model in extraModels {
            models[model] = ["server": "mock", "remote_model": .string(model), "context_window": 32000]
        }
        let overrides: [String: JSONValue] = [
            "agent": ["model": "mock-model", "system_prompt": "You are a test agent."],
            "self_hosted": [
                "servers": ["mock": ["base_url": .string("http://127.0.0.1:\(mockPort)/v1")]],
                "models": .object(models),
            ],
            "tools": ["preset": .string(tools)],
        ]
        var options = ServiceEnvironmentOptions(
            backend: backend, currentDirectory: folder, userConfig: .none,
            environment: ["HOME": folder.path, "SKAT_CEILING_DIRECTORIES": folder.deletingLastPathComponent().path],
            overrides: overrides)
        options.service = service
        let environment = try await ServiceEnvironment.open(options)
        let server = try RESTServer(
            service: environment.service,
            configuration: RESTServerConfiguration(
                host: "127.0.0.1", port: 0, token: token.flatMap(BearerToken.init), limits: limits,
                corsOrigin: corsOrigin))
        let handle = try await server.start()
        return RESTHarness(
            folder: folder, mock: mock, mockPort: mockPort, environment: environment, server: server, handle: handle,
            token: token, recorder: recorder)
    }

    private init(
        folder: URL, mock: MockProviderServer, mockPort: Int, environment: ServiceEnvironment, server: RESTServer,
        handle: RESTServerHandle, token: String?, recorder: ResponseRecorder
    ) {
        self.folder = folder
        self.mock = mock
        self.mockPort = mockPort
        self.environment = environment
        self.server = server
        self.handle = handle
        self.token = token
        self.recorder = recorder
        client = HTTPClient(eventLoopGroupProvider: .singleton)
    }

    /// Stops the server and closes the realm (keeping the folder and the mock, for a restart).
    func stopServer() async throws {
        try await handle.shutdown()
        await environment.close()
        try await client.shutdown()
    }

    /// Stops everything and removes the folder.
    func stop() async throws {
        try await stopServer()
        await mock.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    struct Reply: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: Data
        var json: JSONValue? { try? JSONValue.parse(body) }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// One request; the response is recorded for the OpenAPI conformance check.
    @discardableResult
    func request(
        _ method: HTTPMethod, _ path: String, json body: JSONValue? = nil, raw: Data? = nil,
        contentType: String? = "application/json", headers extra: [(String, String)] = [], authorize: Bool = true
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if authorize, let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        let data = raw ?? body.map { Data($0.compactText().utf8) }
        if let data {
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
            request.body = .bytes(ByteBuffer(bytes: data))
        }
        let response = try await client.execute(request, timeout: .seconds(60))
        let buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
        let reply = Reply(
            status: Int(response.status.code), headers: response.headers, body: Data(buffer.readableBytesView))
        recorder.record(
            method: method.rawValue, path: path, status: reply.status,
            contentType: response.headers.first(name: "Content-Type") ?? "", body: reply.body)
        return reply
    }

    /// Opens an SSE stream.
    func events(_ session: String, lastEventID: UInt64? = nil, after: UInt64? = nil) async throws -> SSEReader {
        var path = "/sessions/\(session)/events"
        if let after { path += "?after=\(after)" }
        var request = HTTPClientRequest(url: base + path)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: String(lastEventID)) }
        let response = try await client.execute(request, timeout: .seconds(120))
        recorder.record(
            method: "GET", path: path, status: Int(response.status.code),
            contentType: response.headers.first(name: "Content-Type") ?? "", body: Data())
        return SSEReader(status: Int(response.status.code), body: response.body)
    }
}

/// One parsed Server-Sent Event.
struct SSEEvent: Sendable, Hashable {
    var id: UInt64?
    var event: String
    var data: String
    var json: JSONValue? { try? JSONValue.parse(data) }
    /// The agent event's `type`, or the runtime event's category.
    var type: String? {
        guard let payload = json?["event"] else { return nil }
        return payload["type"]?.stringValue ?? payload["event"]?["category"]?.stringValue
    }
}

/// Reads SSE frames from a streaming response body.
final class SSEReader {
    let status: Int
    private var iterator: HTTPClientResponse.Body.AsyncIterator
    private var pending = ""

    init(status: Int, body: HTTPClientResponse.Body) {
        self.status = status
        iterator = body.makeAsyncIterator()
    }

    /// The next event, or nil when the stream ended.
    func next() async throws -> SSEEvent? {
        while true {
            if let range = pending.range(of: "\n\n") {
                let frame = String(pending[..<range.lowerBound])
                pending.removeSubrange(..<range.upperBound)
                var event = SSEEvent(id: nil, event: "message", data: "")
                var isComment = true
                for line in frame.split(separator: "\n", omittingEmptySubsequences: false) {
                    if line.hasPrefix(":") { continue }
                    isComment = false
                    if line.hasPrefix("id: ") { event.id = UInt64(line.dropFirst(4)) }
                    if line.hasPrefix("event: ") { event.event = String(line.dropFirst(7)) }
                    if line.hasPrefix("data: ") { event.data += String(line.dropFirst(6)) }
                }
                if isComment { continue }
                return event
            }
            guard let buffer = try await iterator.next() else { return nil }
            pending += String(buffer: buffer)
        }
    }

    /// Reads events until one satisfies `stop` (returned last), failing when the stream ends first.
    func until(_ stop: (SSEEvent) -> Bool) async throws -> [SSEEvent] {
        var out: [SSEEvent] = []
        while let event = try await next() {
            out.append(event)
            if stop(event) { return out }
        }
        throw HarnessError("event stream ended before the awaited event; got \(out.map { $0.type ?? $0.event })")
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
