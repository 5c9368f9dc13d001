/// The sleeps of time-based tools (`wait`, the shell timeout), injectable so tests never sleep for real.
public protocol ToolClock: Sendable {
    /// Suspends for `duration`; throws `CancellationError` when the task is cancelled first.
    func sleep(for duration: Duration) async throws
}

/// The real clock: `Task.sleep` on the continuous clock.
public struct SystemToolClock: ToolClock {
    /// Creates the real clock.
    public init() {}

    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration, clock: .continuous)
    }
}
