import Foundation
import Synchronization

/// Resolves once with whichever outcome arrives first (work, timer or cancellation) without waiting for the
/// losers: a tool that ignores cancellation cannot hold up a cancelled run.
final class Race<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, Never>?
        var result: Value?
        var cleanups: [@Sendable () -> Void] = []
    }

    // Every field is read and written only inside `state.withLock`.
    private let state = Mutex(State())

    init() {}

    /// Offers an outcome; only the first one counts.
    func finish(_ value: Value) {
        let (continuation, cleanups) = state.withLock {
            state -> (CheckedContinuation<Value, Never>?, [@Sendable () -> Void]) in
            guard state.result == nil else { return (nil, []) }
            state.result = value
            let continuation = state.continuation
            state.continuation = nil
            let cleanups = state.cleanups
            state.cleanups = []
            return (continuation, cleanups)
        }
        continuation?.resume(returning: value)
        for cleanup in cleanups { cleanup() }
    }

    /// Registers work to undo when the race resolves (runs at once if it already has).
    func onFinish(_ cleanup: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.result != nil { return true }
            state.cleanups.append(cleanup)
            return false
        }
        if runNow { cleanup() }
    }

    /// Waits for the first outcome; `onCancel` supplies the outcome when the waiting task is cancelled.
    func value(onCancel: @escaping @Sendable () -> Value) async -> Value {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Value, Never>) in
                let ready = state.withLock { state -> Value? in
                    if let result = state.result { return result }
                    state.continuation = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            self.finish(onCancel())
        }
    }
}

/// Tracks the last moment a stream showed activity, and why a watchdog cut it (the first reason given).
final class ActivityMark: Sendable {
    // Only accessed through the mutex.
    private let state: Mutex<(last: Duration, aborted: LLMError?)>
    init(_ now: Duration) { state = Mutex((now, nil)) }
    func touch(_ now: Duration) { state.withLock { $0.last = now } }
    var value: Duration { state.withLock { $0.last } }
    /// Records why the stream was cut, unless a reason is already recorded.
    func abort(_ failure: LLMError) { state.withLock { $0.aborted = $0.aborted ?? failure } }
    var aborted: LLMError? { state.withLock { $0.aborted } }
}
