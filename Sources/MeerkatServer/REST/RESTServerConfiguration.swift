import Foundation

/// Where and how a `RESTServer` listens.
public struct RESTServerConfiguration: Sendable {
    /// Interface to bind. Default `127.0.0.1`; any non-loopback address requires `token`.
    public var host: String
    /// Port to bind; 0 picks a free one (read it from `RESTServerHandle.port`). Default 8080.
    public var port: Int
    /// When set, every request must carry `Authorization: Bearer <token>`.
    public var token: BearerToken?
    public var limits: ServerLimits
    /// An origin allowed by CORS (`*` for any); nil (the default) sends no CORS headers at all.
    public var corsOrigin: String?

    public init(
        host: String = "127.0.0.1", port: Int = 8080, token: BearerToken? = nil, limits: ServerLimits = ServerLimits(),
        corsOrigin: String? = nil
    ) {
        self.host = host
        self.port = port
        self.token = token
        self.limits = limits
        self.corsOrigin = corsOrigin
    }

    /// Refuses a non-loopback bind without a token.
    public func validate() throws(APIError) {
        if !isLoopbackHost(host), token == nil {
            throw APIError(
                status: 500, code: "config_error",
                message:
                    "refusing to listen on \(host) without an auth token: pass --auth-token-file or set SKAT_AUTH_TOKEN (only loopback addresses may run without one)"
            )
        }
        guard (0...65535).contains(port) else {
            throw APIError(status: 500, code: "config_error", message: "port \(port) is out of range", field: "port")
        }
    }
}
