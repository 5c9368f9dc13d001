import MeerkatCore
import Synchronization

/// The producer side of one `LLMEvent` stream: guarantees exactly one `.done`, owns the timers that can end
/// the stream early (call deadline, trailer wait), and can cancel the producing task.
final class StreamEmitter: Sendable {
    private struct State {
        var finished = false
        var producer: Task<Void, Never>?
        var cancelRequested = false
        var timers: [DeadlineTimer.Token] = []
    }

    private let continuation: AsyncStream<LLMEvent>.Continuation
    private let state = Mutex(State())

    init(_ continuation: AsyncStream<LLMEvent>.Continuation) {
        self.continuation = continuation
    }

    /// Whether `.done` has been sent.
    var isFinished: Bool { state.withLock { $0.finished } }

    /// Registers the task that produces events so timers and consumer cancellation can stop it.
    func attach(producer: Task<Void, Never>) {
        let cancelNow = state.withLock { state in
            state.producer = producer
            return state.cancelRequested
        }
        if cancelNow { producer.cancel() }
    }

    /// Sends events; returns true if one of them was the terminal `.done`.
    @discardableResult
    func emit(_ events: [LLMEvent]) -> Bool {
        for event in events {
            if case .done(let outcome) = event {
                finish(outcome)
                return true
            }
            yield(event)
        }
        return false
    }

    /// Sends one non-terminal event (dropped once finished).
    func yield(_ event: LLMEvent) {
        guard !isFinished else { return }
        continuation.yield(event)
    }

    /// Sends `.done(outcome)` and closes the stream, unless it is already closed. Returns whether it did.
    @discardableResult
    func finish(_ outcome: LLMStreamOutcome) -> Bool {
        let timers: [DeadlineTimer.Token]? = state.withLock { state in
            guard !state.finished else { return nil }
            state.finished = true
            defer { state.timers = [] }
            return state.timers
        }
        guard let timers else { return false }
        continuation.yield(.done(outcome))
        continuation.finish()
        for timer in timers { DeadlineTimer.shared.cancel(timer) }
        return true
    }

    /// Cancels the producing task (closing its HTTP connection).
    func cancelProducer() {
        let producer = state.withLock { state in
            state.cancelRequested = true
            return state.producer
        }
        producer?.cancel()
    }

    /// After `delay`, ends the stream with `outcome` and cancels the producer, unless the stream finished first.
    func schedule(after delay: Duration, outcome: LLMStreamOutcome) {
        let timer = DeadlineTimer.shared.schedule(after: delay) { [self] in
            if finish(outcome) { cancelProducer() }
        }
        let keep = state.withLock { state in
            guard !state.finished else { return false }
            state.timers.append(timer)
            return true
        }
        if !keep { DeadlineTimer.shared.cancel(timer) }
    }
}
