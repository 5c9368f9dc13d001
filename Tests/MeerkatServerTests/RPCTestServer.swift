import Foundation
import MeerkatCore
import MeerkatSQLite
import MeerkatServer
import MeerkatService
import MeerkatTesting

/// A live RPC server on 127.0.0.1 (an ephemeral port) over a realm in a temporary project, with the mock provider
/// (OpenAI Responses dialect) behind the `gpt-5.4` model.
struct RPCTestServer: Sendable {
    let mock: MockProviderServer
    let environment: ServiceEnvironment
    let listener: RPCTCPListener
    let root: URL
    let backend: RealmBackend
    let serviceOptions: SessionServiceOptions

    static let model = "gpt-5.4"

    static func start(
        backend: RealmBackend = .memory, authToken: String? = nil, maxLineBytes: Int = 64 * 1024,
        mock: MockProviderServer? = nil, service: SessionServiceOptions = SessionServiceOptions(), root: URL? = nil
    ) async throws -> RPCTestServer {
        let mock = mock ?? MockProviderServer()
        if mock.port == nil { try await mock.start() }
        let root =
            root ?? FileManager.default.temporaryDirectory.appendingPathComponent("rpc-\(UUID().uuidString.prefix(8))")
        let project = root.appendingPathComponent("project")
        let home = root.appendingPathComponent("home")
        try FileManager.default.createDirectory(
            at: project.appendingPathComponent(".skat"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try "hello from the project\n".write(
            to: project.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let variables = [
            "HOME": home.path, "SKAT_CEILING_DIRECTORIES": root.path, "OPENAI_BASE_URL": mock.baseURL + "/v1",
            "OPENAI_API_KEY": "test-key",
        ]
        var options = ServiceEnvironmentOptions(
            backend: backend, currentDirectory: project, userConfig: .none, environment: variables)
        options.service = service
        let environment = try await ServiceEnvironment.open(options)
        let server = RPCServer(service: environment.service, authToken: authToken)
        let listener = try await RPCTCPListener.start(
            host: "127.0.0.1", port: 0, maxLineBytes: maxLineBytes, protocol: server.lineProtocol)
        return RPCTestServer(
            mock: mock, environment: environment, listener: listener, root: root, backend: backend,
            serviceOptions: service)
    }

    /// Stops this server (keeping its realm and the mock) and starts a new one on the same realm: a process restart.
    func restart() async throws -> RPCTestServer {
        await listener.stop()
        await environment.close()
        return try await Self.start(backend: backend, mock: mock, service: serviceOptions, root: root)
    }

    func client() async throws -> RPCTestClient {
        try await RPCTestClient.connect(port: listener.port)
    }

    var service: SessionService { environment.service }

    func stop() async {
        await listener.stop()
        await environment.close()
        await mock.stop()
        try? FileManager.default.removeItem(at: root)
    }
}
