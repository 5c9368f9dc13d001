public import AsyncHTTPClient
import NIOCore

/// The pooled HTTP client every provider client sends through.
///
/// One process should share one transport (`HTTPTransport.shared`) so connections to each provider are pooled
/// and reused across calls and sessions.
public final class HTTPTransport: Sendable {
    /// Connection-level settings.
    public struct Configuration: Sendable, Hashable {
        /// Longest time to establish a TCP (and TLS) connection.
        public var connectTimeout: Duration
        /// Longest silence on an open connection before the request fails. The agent's inactivity watchdog is the
        /// primary stall detector (it sees keep-alives as liveness); this is the transport's own backstop.
        public var readTimeout: Duration
        /// Idle connections are closed after this long in the pool.
        public var poolIdleTimeout: Duration
        /// Soft limit of concurrent HTTP/1.1 connections per host.
        public var maxConnectionsPerHost: Int

        /// Creates a configuration.
        public init(
            connectTimeout: Duration = .seconds(10), readTimeout: Duration = .seconds(300),
            poolIdleTimeout: Duration = .seconds(60), maxConnectionsPerHost: Int = 64
        ) {
            self.connectTimeout = connectTimeout
            self.readTimeout = readTimeout
            self.poolIdleTimeout = poolIdleTimeout
            self.maxConnectionsPerHost = maxConnectionsPerHost
        }
    }

    /// The process-wide transport with default settings. It lives for the whole process and is never shut down.
    public static let shared = HTTPTransport()

    /// The settings this transport was created with.
    public let configuration: Configuration
    /// The underlying AsyncHTTPClient.
    public let client: HTTPClient

    /// Creates a transport with its own connection pool. Call `shutdown()` before releasing it.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        var settings = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(
                connect: .init(configuration.connectTimeout), read: .init(configuration.readTimeout)),
            connectionPool: .init(idleTimeout: .init(configuration.poolIdleTimeout)),
            decompression: .disabled)
        settings.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = configuration.maxConnectionsPerHost
        // A failed connect fails the waiting request at once. Otherwise the pool keeps reconnecting behind the
        // request until the connect timeout (10 s against a closed port); the agent's retry policy owns retries.
        settings.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: settings)
    }

    /// Closes every pooled connection; in-flight requests fail.
    public func shutdown() async throws {
        try await client.shutdown()
    }
}
