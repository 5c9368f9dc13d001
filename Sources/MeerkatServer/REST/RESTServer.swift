import Foundation
import Hummingbird
public import Logging
public import MeerkatService
import NIOCore
public import ServiceLifecycle

/// The REST + SSE surface of a `SessionService` (docs/rest.md), described by `OpenAPIDocument`.
///
/// `application()` is a swift-service-lifecycle `Service` for a `ServiceGroup` (what `skat serve` runs, with
/// graceful shutdown on SIGTERM); `start()` runs it in the background and returns once the port is bound (tests
/// bind port 0 and read `RESTServerHandle.port`).
public final class RESTServer: Sendable {
    public let service: SessionService
    public let configuration: RESTServerConfiguration
    /// Every route the router serves, in registration order.
    public let routes: [RESTRoute]
    let metrics: RESTMetrics
    private let responder: RESTResponder<RouterResponder<BasicRequestContext>>
    private let logger: Logger

    /// Builds the router. Throws when the configuration is refused (a non-loopback host without a token).
    public init(
        service: SessionService, configuration: RESTServerConfiguration = RESTServerConfiguration(),
        logger: Logger = Logger(label: "meerkat.rest")
    ) throws(APIError) {
        try configuration.validate()
        self.service = service
        self.configuration = configuration
        self.logger = logger
        let metrics = RESTMetrics()
        self.metrics = metrics
        let router = Router(context: BasicRequestContext.self)
        var registrar = RouteRegistrar(router: router)
        let schemas = RESTHandlers.requestSchemas
        let handlers = RESTHandlers(
            service: service, reader: RESTRequestReader(limits: configuration.limits, schemas: schemas),
            limits: configuration.limits, metrics: metrics)
        handlers.register(&registrar)
        routes = registrar.routes
        responder = RESTResponder(
            inner: router.buildResponder(), token: configuration.token, metrics: metrics, routes: registrar.routes,
            corsOrigin: configuration.corsOrigin, logger: logger)
    }

    /// The HTTP application as a lifecycle service; `onRunning` receives the bound port.
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some Service {
        Application(
            responder: responder,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// Starts serving in the background and returns once the listening socket is bound.
    public func start() async throws -> RESTServerHandle {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let group = ServiceGroup(
            services: [application { port in continuation.yield(port) }], gracefulShutdownSignals: [],
            cancellationSignals: [], logger: logger)
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        for await port in ports {
            return RESTServerHandle(port: port, group: group, task: task)
        }
        // The group ended before binding: surface its error.
        try await task.value
        throw APIError(
            status: 500, code: "config_error",
            message: "could not listen on \(configuration.host):\(configuration.port)")
    }
}

/// A server running in the background.
public struct RESTServerHandle: Sendable {
    /// The bound port.
    public let port: Int
    let group: ServiceGroup
    let task: Task<Void, any Error>

    /// Stops accepting, lets open requests finish (event streams end), and waits for the server to stop.
    public func shutdown() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}
