import Foundation
import MeerkatCore
import MeerkatRuntime
import Synchronization

/// The external (callback) tool calls outstanding per session: a call is outstanding from the moment the run hands
/// it to its client until the client's answer (or the typed error of a client that went away) comes back. Waiters
/// that asked for it return `callback_pending` while their input's run is parked on such a call.
final class CallbackCallTracker: Sendable {
    private struct State {
        var calls: [SessionID: [PendingCallbackToolCall]] = [:]
        var watchers: [SessionID: [UUID: AsyncStream<Void>.Continuation]] = [:]
    }

    private let state = Mutex(State())

    /// Records a call handed to a client.
    func begin(session: SessionID, _ call: PendingCallbackToolCall) {
        let watchers = state.withLock { state in
            state.calls[session, default: []].append(call)
            return Array((state.watchers[session] ?? [:]).values)
        }
        for watcher in watchers { watcher.yield() }
    }

    /// Forgets a call once its client answered (or failed).
    func end(session: SessionID, toolUseID: String) {
        let watchers = state.withLock { state in
            if var calls = state.calls[session], let index = calls.firstIndex(where: { $0.toolUseID == toolUseID }) {
                calls.remove(at: index)
                state.calls[session] = calls.isEmpty ? nil : calls
            }
            return Array((state.watchers[session] ?? [:]).values)
        }
        for watcher in watchers { watcher.yield() }
    }

    /// The calls of a session still waiting for their clients, oldest first.
    func pending(session: SessionID) -> [PendingCallbackToolCall] {
        state.withLock { $0.calls[session] ?? [] }
    }

    /// Yields once at once and then after every change of the session's outstanding calls, until the consumer stops.
    func changes(session: SessionID) -> AsyncStream<Void> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        state.withLock { $0.watchers[session, default: [:]][id] = continuation }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { state in
                state.watchers[session]?.removeValue(forKey: id)
                if state.watchers[session]?.isEmpty == true { state.watchers.removeValue(forKey: session) }
            }
        }
        continuation.yield()
        return stream
    }
}
