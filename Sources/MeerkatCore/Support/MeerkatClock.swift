import Foundation

/// A monotonic clock the agent and runtime sleep on, injected so tests advance time by hand.
public protocol MeerkatClock: Sendable {
    /// Time elapsed since an arbitrary fixed origin.
    func now() -> Duration
    /// Suspends until `now() >= deadline`. Throws `CancellationError` when the task is cancelled.
    func sleep(until deadline: Duration) async throws
    /// Runs `action` once `now() >= deadline`, unless the timer is cancelled first. The action must be quick (it
    /// runs on the clock's timer). The default sleeps a task of its own on `sleep(until:)`.
    func schedule(at deadline: Duration, _ action: @escaping @Sendable () -> Void) -> ClockTimer
}

/// An action scheduled on a `MeerkatClock`.
public struct ClockTimer: Sendable {
    private let cancelAction: @Sendable () -> Void

    /// A timer cancelled by `cancel`.
    public init(cancel: @escaping @Sendable () -> Void) {
        cancelAction = cancel
    }

    /// Cancels the action (nothing happens when it already ran; cancelling twice is harmless).
    public func cancel() { cancelAction() }
}

extension MeerkatClock {
    /// Suspends for `duration`.
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now() + duration)
    }

    public func schedule(at deadline: Duration, _ action: @escaping @Sendable () -> Void) -> ClockTimer {
        let sleeper = Task {
            do { try await sleep(until: deadline) } catch { return }
            action()
        }
        return ClockTimer { sleeper.cancel() }
    }
}

/// The process's continuous (monotonic) clock.
public struct SystemClock: MeerkatClock {
    private static let origin = ContinuousClock.now

    public init() {}

    public func now() -> Duration { ContinuousClock.now - Self.origin }

    public func sleep(until deadline: Duration) async throws {
        try await ContinuousClock().sleep(until: Self.origin + deadline, tolerance: nil)
    }

    /// On the process's shared `DeadlineTimer`: no task and no system timer per action while an earlier deadline is
    /// already armed (a model call's watchdog, far in the future, usually costs no wake-up at all).
    public func schedule(at deadline: Duration, _ action: @escaping @Sendable () -> Void) -> ClockTimer {
        let token = DeadlineTimer.shared.schedule(after: deadline - now(), action)
        return ClockTimer { DeadlineTimer.shared.cancel(token) }
    }
}

extension Duration {
    /// Whole milliseconds (rounded down).
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Seconds as a floating-point number.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
