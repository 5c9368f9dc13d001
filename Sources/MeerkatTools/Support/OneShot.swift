import Dispatch
import Synchronization

/// A value that is set once and awaited by any number of tasks, optionally with a time limit.
///
/// Waiting is deliberately not cancellable: the shell uses it to await a process it has already signalled,
/// which must finish even when the calling task was cancelled.
final class OneShot<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiters: [UInt64: CheckedContinuation<Value?, Never>] = [:]
        var nextToken: UInt64 = 0
    }

    // Every access goes through `state.withLock`.
    private let state = Mutex(State())

    init() {}

    /// Sets the value (later calls are ignored) and wakes every waiter.
    func complete(_ value: Value) {
        let waiters = state.withLock { state -> [CheckedContinuation<Value?, Never>] in
            guard state.value == nil else { return [] }
            state.value = value
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: value) }
    }

    /// True once the value is set.
    var isComplete: Bool { state.withLock { $0.value != nil } }

    /// The value, once set.
    func wait() async -> Value {
        // `wait(timeout: nil)` only returns nil on timeout, which cannot happen here.
        await wait(timeout: nil)!
    }

    /// The value, or nil when `timeout` passes first.
    func wait(timeout: Duration?) async -> Value? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
            let token = state.withLock { state -> UInt64? in
                if state.value != nil { return nil }
                state.nextToken += 1
                state.waiters[state.nextToken] = continuation
                return state.nextToken
            }
            guard let token else {
                continuation.resume(returning: state.withLock { $0.value })
                return
            }
            guard let timeout else { return }
            DispatchQueue.global().asyncAfter(deadline: .now() + max(0, timeout.inSeconds)) {
                let waiter = self.state.withLock { $0.waiters.removeValue(forKey: token) }
                waiter?.resume(returning: nil)
            }
        }
    }
}
