import Foundation
import GRDB
import Synchronization

/// Copies the WAL back into the database file off the writers' path.
///
/// SQLite's automatic checkpoint runs inside the `COMMIT` that crosses its threshold (1,000 pages), so every few
/// hundred writes one caller paid several milliseconds for everyone's pages: the turn-overhead rows' p99 was 8–10 ms
/// against a p50 of about 2 ms, and 3–4 ms with the automatic checkpoint off (`meerkat-bench e2e`). Instead, every
/// `interval` commits this runs a `PASSIVE` checkpoint on a connection of its own, on its own queue: it waits for
/// no lock, so writers go on appending to the WAL meanwhile, and the next writer after a complete checkpoint starts
/// the WAL over. Under writes without a pause a background checkpoint never quite completes (frames arrive while it
/// copies), so the WAL is not started over; the writer keeps its automatic checkpoint at a higher threshold for that,
/// where it finds most frames already copied and only copies the rest, and `journal_size_limit` trims the file after.
final class BackgroundCheckpointer: Sendable {
    /// Commits between two background checkpoints.
    static let interval = 64
    /// The writer's own automatic checkpoint threshold (pages, 4 KB each), the safety net.
    static let safetyNetPages = 2_000
    /// What a started-over WAL file is trimmed to (bytes).
    static let walSizeLimit = 8 << 20

    private struct State {
        var commits = 0
        var running = false
        var closed = false
        /// Opened at the first checkpoint (a realm that writes little never opens it).
        var queue: DatabaseQueue?
        var completed = 0
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let path: String
    private let configuration: Configuration
    private let state = Mutex(State())

    init(path: String, configuration: Configuration) {
        self.path = path
        self.configuration = configuration
    }

    /// Counts a commit; every `interval` commits starts a checkpoint unless one is still running.
    func noteCommit() {
        let start = state.withLock { state -> Bool in
            state.commits += 1
            guard state.commits >= Self.interval, !state.running, !state.closed else { return false }
            state.commits = 0
            state.running = true
            return true
        }
        guard start else { return }
        DispatchQueue.global(qos: .utility).async { self.checkpoint() }
    }

    /// Runs one passive checkpoint (best effort: a failure only leaves the pages to the next one or to the writer's
    /// safety net).
    private func checkpoint() {
        defer {
            let waiters = state.withLock { state in
                state.running = false
                state.completed += 1
                defer { state.idleWaiters = [] }
                return state.idleWaiters
            }
            for waiter in waiters { waiter.resume() }
        }
        // Under the lock so that `close` never races an opening connection.
        let queue = state.withLock { state -> DatabaseQueue? in
            guard !state.closed else { return nil }
            if state.queue == nil { state.queue = try? DatabaseQueue(path: path, configuration: configuration) }
            return state.queue
        }
        _ = try? queue?.writeWithoutTransaction { db in try db.checkpoint(.passive) }
    }

    /// Background checkpoints finished so far (tests and diagnostics).
    var completedCount: Int { state.withLock { $0.completed } }

    /// Returns once no background checkpoint is running.
    func idle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let running = state.withLock { state in
                if state.running { state.idleWaiters.append(continuation) }
                return state.running
            }
            if !running { continuation.resume() }
        }
    }

    /// Stops checkpointing: waits for a checkpoint in progress and closes the connection.
    func close() {
        let queue = state.withLock { state -> DatabaseQueue? in
            state.closed = true
            defer { state.queue = nil }
            return state.queue
        }
        // `close` runs on the connection's queue, after a checkpoint in progress there.
        try? queue?.close()
    }
}
