import Synchronization

/// Runs short actions at deadlines: the timers of provider calls (call deadline, trailer wait, drain wait) and the
/// event log's append delay.
///
/// A timer per call as a sleeping task cost a task, an armed system timer and, on cancellation, a wake-up of the
/// sleeping task: several thread wake-ups per model call, for timers that almost never fire. Here one sleeper task
/// serves every timer of the process. Scheduling only records the deadline, and wakes nothing unless the deadline is
/// earlier than the one the sleeper waits for; cancelling only removes the entry. The sleeper wakes at its deadline,
/// runs what is due and sleeps until the next live deadline. With calls in steady succession, the later deadlines of
/// new calls need no wake-up at all.
///
/// Actions run on the sleeper's task and must be quick (they end a stream, cancel a producer).
public final class DeadlineTimer: Sendable {
    /// Cancels a scheduled action.
    public struct Token: Sendable, Hashable {
        fileprivate let id: UInt64
    }

    private struct Entry {
        let deadline: ContinuousClock.Instant
        let action: @Sendable () -> Void
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = 0
        /// The deadline the sleeper waits for (nil while no sleeper runs).
        var target: ContinuousClock.Instant?
        var sleeper: Task<Void, Never>?
    }

    /// The process-wide timer.
    public static let shared = DeadlineTimer()

    /// A timer of its own (tests); everything else shares `shared`.
    public init() {}

    private let clock = ContinuousClock()
    private let state = Mutex(State())

    /// Runs `action` after `delay`, unless the token is cancelled first.
    @discardableResult
    public func schedule(after delay: Duration, _ action: @escaping @Sendable () -> Void) -> Token {
        let deadline = clock.now.advanced(by: delay)
        let (token, replaced) = state.withLock { state -> (Token, Task<Void, Never>?) in
            state.nextID += 1
            state.entries[state.nextID] = Entry(deadline: deadline, action: action)
            let token = Token(id: state.nextID)
            if let target = state.target, target <= deadline { return (token, nil) }
            // Earlier than what the sleeper waits for (or no sleeper): a new sleeper for this deadline.
            let replaced = state.sleeper
            state.target = deadline
            state.sleeper = Task { await self.sleep(until: deadline) }
            return (token, replaced)
        }
        replaced?.cancel()
        return token
    }

    /// Removes a scheduled action (nothing happens if it already ran).
    public func cancel(_ token: Token) {
        _ = state.withLock { $0.entries.removeValue(forKey: token.id) }
    }

    /// Number of scheduled actions (for tests).
    public var pendingCount: Int { state.withLock { $0.entries.count } }

    private func sleep(until deadline: ContinuousClock.Instant) async {
        do { try await Task.sleep(until: deadline, clock: clock) } catch { return }
        let now = clock.now
        let due = state.withLock { state -> [Entry] in
            // A sleeper replaced meanwhile has been cancelled; only the current one goes on.
            guard state.target == deadline else { return [] }
            var dueIDs: [UInt64] = []
            var next: ContinuousClock.Instant?
            for (id, entry) in state.entries {
                if entry.deadline <= now {
                    dueIDs.append(id)
                } else if next.map({ entry.deadline < $0 }) ?? true {
                    next = entry.deadline
                }
            }
            let due = dueIDs.compactMap { state.entries.removeValue(forKey: $0) }
            state.target = next
            state.sleeper = next.map { next in Task { await self.sleep(until: next) } }
            return due
        }
        for entry in due.sorted(by: { $0.deadline < $1.deadline }) { entry.action() }
    }
}
