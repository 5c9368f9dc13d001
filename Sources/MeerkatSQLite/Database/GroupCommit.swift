import GRDB
import Synchronization

/// Group commit: write bodies that arrive while a commit is in progress are run together in the next transaction,
/// each inside its own savepoint, and every caller is answered only after that transaction committed.
///
/// With one writer at a time nothing changes (one body, one transaction). With many concurrent writers (16 sessions
/// accepting inputs at once) one commit, with its WAL append and its locks, serves them all. A body that throws rolls
/// back to its savepoint and fails alone; a failed `COMMIT` (or `BEGIN`) fails every body of the batch, and none of
/// them is acknowledged. Each body sees the writes of the bodies before it, exactly as if they ran one after the other.
final class GroupCommit: Sendable {
    /// One queued write: `run` executes its body in the batch transaction, `finish` answers its caller afterwards
    /// (with the batch's error when the transaction did not commit, whether or not the body ran).
    private struct Item: Sendable {
        let run: @Sendable (Database) -> Void
        let finish: @Sendable (_ batchError: (any Error)?) -> Void
    }

    /// What one body produced, kept until the batch's commit decides whether it is answered.
    private final class Outcome<T: Sendable>: Sendable {
        let value = Mutex<Result<T, any Error>?>(nil)
    }

    /// The most bodies one transaction carries (bounds the latency a batch adds to its first caller).
    static let maximumBatch = 64

    private struct State {
        var pending: [Item] = []
        var draining = false
    }

    private let pool: DatabasePool
    private let state = Mutex(State())

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Runs `body` in a transaction shared with the writes queued meanwhile; returns after that transaction committed.
    ///
    /// An uncontended write (nothing committing, nothing queued) runs on the caller's thread, in a transaction of its
    /// own: GRDB's synchronous write takes the writer without a thread hand-off. A hand-off to the writer's queue and
    /// back costs about 70–100 µs here against 15–25 µs for the whole transaction (`meerkat-bench writepath`), and a
    /// turn makes several writes. Writes that arrive meanwhile queue up and are committed together after it, as before.
    /// The caller's thread waits only for SQLite: for this process's writer, which it holds, or for another process's
    /// write lock, up to the busy timeout. Queued writes are committed the same way, synchronously in the task that
    /// drains them.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let claimed = state.withLock { state in
            guard !state.draining, state.pending.isEmpty else { return false }
            state.draining = true
            return true
        }
        guard claimed else { return try await queued(body) }
        let result = Result { try pool.write { db in try body(db) } }
        let handOver = state.withLock { state in
            if state.pending.isEmpty {
                state.draining = false
                return false
            }
            return true
        }
        if handOver { Task { self.drain() } }
        return try result.get()
    }

    /// Queues `body` for the next batch transaction and waits for that transaction's commit.
    private func queued<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let outcome = Outcome<T>()
            let item = Item(
                run: { db in
                    let result: Result<T, any Error>
                    do {
                        var value: T?
                        try db.inSavepoint {
                            value = try body(db)
                            return .commit
                        }
                        result = value.map { .success($0) } ?? .failure(DatabaseError(message: "no value"))
                    } catch {
                        result = .failure(error)
                    }
                    outcome.value.withLock { $0 = result }
                },
                finish: { batchError in
                    if let batchError {
                        continuation.resume(throwing: batchError)
                    } else if let result = outcome.value.withLock({ $0 }) {
                        continuation.resume(with: result)
                    } else {
                        continuation.resume(throwing: DatabaseError(message: "write body did not run"))
                    }
                })
            let startDrain = state.withLock { state in
                state.pending.append(item)
                if state.draining { return false }
                state.draining = true
                return true
            }
            if startDrain { Task { self.drain() } }
        }
    }

    /// Commits batches until the queue is empty.
    private func drain() {
        while true {
            let batch: [Item] = state.withLock { state in
                guard !state.pending.isEmpty else {
                    state.draining = false
                    return []
                }
                let count = min(Self.maximumBatch, state.pending.count)
                let batch = Array(state.pending.prefix(count))
                state.pending.removeFirst(count)
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                // Synchronously, in this task: a hand-off to the writer's queue and back would add a thread hop to
                // every queued write (see `write`).
                try pool.write { db in
                    for item in batch { item.run(db) }
                }
            } catch {
                // BEGIN or COMMIT failed: nothing of the batch is durable, so no caller is acknowledged.
                for item in batch { item.finish(error) }
                continue
            }
            for item in batch { item.finish(nil) }
        }
    }
}
