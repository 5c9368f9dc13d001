/// Time bounds of one streaming call (the inactivity watchdog lives in the agent, fed by `.liveness`).
public struct StreamTimeouts: Sendable, Hashable {
    /// Longest a whole call may take, headers to last byte; exceeding it ends the stream with `.callTimeout`.
    public var callTimeout: Duration
    /// How long to wait for trailing data (the Chat Completions usage chunk) after the turn has finished.
    public var trailerWait: Duration
    /// How long to keep reading after the terminal event so the connection can go back to the pool.
    public var drainWait: Duration

    /// Creates timeouts (PROVIDERS.md §5 suggests a 30 s trailer wait).
    public init(
        callTimeout: Duration = .seconds(600), trailerWait: Duration = .seconds(30), drainWait: Duration = .seconds(2)
    ) {
        self.callTimeout = callTimeout
        self.trailerWait = trailerWait
        self.drainWait = drainWait
    }
}
