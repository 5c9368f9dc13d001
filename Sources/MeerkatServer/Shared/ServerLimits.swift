import Foundation

/// Limits of a server surface.
public struct ServerLimits: Sendable, Hashable {
    /// Largest accepted request body in bytes (REST answers 413 above it). Default 4 MiB.
    public var maxBodyBytes: Int
    /// Longest `?wait=true` on an input, in seconds, before the request answers 202 anyway. Default 600.
    public var maxWaitSeconds: Int

    public init(maxBodyBytes: Int = 4 * 1024 * 1024, maxWaitSeconds: Int = 600) {
        self.maxBodyBytes = maxBodyBytes
        self.maxWaitSeconds = maxWaitSeconds
    }
}

/// Whether a host string names a loopback interface (the only ones a server may bind without a token).
public func isLoopbackHost(_ host: String) -> Bool {
    let lowered = host.lowercased()
    if lowered == "localhost" || lowered == "::1" || lowered == "[::1]" { return true }
    let parts = lowered.split(separator: ".")
    return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
}
