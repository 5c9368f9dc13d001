import Foundation

/// When the router retries a server that failed to connect or died: exponential backoff, bounded.
public struct MCPReconnectPolicy: Sendable, Hashable {
    /// Wait after the first failure.
    public var initialDelay: Duration
    /// Factor applied for each further consecutive failure.
    public var multiplier: Double
    /// Longest wait.
    public var maxDelay: Duration
    /// Consecutive failures after which the router gives up on the server.
    public var maxAttempts: Int
    /// A connection that stayed up this long resets the failure count.
    public var resetAfter: Duration

    /// Creates a policy (defaults: 1 s, ×2, at most 60 s, give up after 8 consecutive failures, reset after 60 s).
    public init(
        initialDelay: Duration = .seconds(1), multiplier: Double = 2, maxDelay: Duration = .seconds(60),
        maxAttempts: Int = 8, resetAfter: Duration = .seconds(60)
    ) {
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maxDelay = maxDelay
        self.maxAttempts = maxAttempts
        self.resetAfter = resetAfter
    }

    /// The wait before the next attempt after `failures` consecutive failures (1-based).
    public func delay(afterFailures failures: Int) -> Duration {
        let factor = Foundation.pow(multiplier, Double(max(0, failures - 1)))
        let seconds = min(initialDelay.inSeconds * factor, maxDelay.inSeconds)
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
