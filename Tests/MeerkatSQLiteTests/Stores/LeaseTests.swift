import Foundation
import MeerkatCore
import MeerkatRuntime
import MeerkatSQLite
import Synchronization
import Testing

/// A clock tests move by hand (no sleeping).
final class TestClock: Sendable {
    private let current = Mutex(instant(0))
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: Double) { current.withLock { $0 += seconds } }
}

/// Session ownership leases between two processes, simulated by two realms (two independent connection pools)
/// opened on the same folder in this process, each writing as its own owner; plus one real second process when
/// the `sqlite3` shell is installed.
@Suite struct LeaseTests {
    let root: TemporaryDirectory
    let clock = TestClock()
    let first: SQLiteRuntimeStore
    let second: SQLiteRuntimeStore
    let session = SessionID()
    var runtime: LogicalRuntimeID { .session(session) }

    init() throws {
        root = try TemporaryDirectory()
        let id = try RealmID("leases")
        let clock = clock
        let a = try #require(try Realm.open(stateRoot: root.url, realmID: id).database)
        let b = try #require(try Realm.open(stateRoot: root.url, realmID: id).database)
        first = SQLiteRuntimeStore(database: a, owner: "process-a", now: { clock.now })
        second = SQLiteRuntimeStore(database: b, owner: "process-b", now: { clock.now })
    }

    @Test func aNewSessionAndItsLeaseAreOneWriteAndARefusedLeaseSavesNothing() async throws {
        let sessions = SQLiteSessionStore(database: first.database)
        #expect(first.keepsSessions(of: sessions))
        #expect(!first.keepsSessions(of: SQLiteSessionStore(database: second.database)))
        #expect(!first.keepsSessions(of: InMemorySessionStore()))
        let created = Session(messages: [.system(content: "be brief", createdAt: instant(1))])
        let lease = try await first.acquireLease(creating: created, owner: "process-a", ttl: .seconds(30))
        #expect(lease.sessionID == created.id && lease.owner == "process-a")
        let loaded = try #require(try await sessions.load(created.id))
        #expect(loaded.id == created.id && loaded.messages == created.messages)
        #expect(try await second.lease(session: created.id) == lease)
        // Another owner's live lease on the id: the write is refused whole, and no session row is left behind.
        let rival = Session(id: session, messages: [.system(content: "other", createdAt: instant(2))])
        try await second.acquireLease(session: session, owner: "process-b", ttl: .seconds(30))
        await #expect(throws: RuntimeStoreError.self) {
            try await first.acquireLease(creating: rival, owner: "process-a", ttl: .seconds(30))
        }
        #expect(try await sessions.load(session) == nil)
        #expect(try await second.lease(session: session)?.owner == "process-b")
    }

    @Test func aLiveLeaseKeepsOtherOwnersOut() async throws {
        let lease = try await first.acquireLease(session: session, owner: "process-a", ttl: .seconds(30))
        #expect(lease.owner == "process-a")
        #expect(lease.expiresAt == clock.now.addingTimeInterval(30))
        let error = await #expect(throws: RuntimeStoreError.self) {
            try await second.acquireLease(session: session, owner: "process-b", ttl: .seconds(30))
        }
        guard case .ownedElsewhere(let message) = error else {
            Issue.record("expected ownedElsewhere, got \(String(describing: error))")
            return
        }
        #expect(message.contains("process-a"))
        #expect(message.contains(first.database.path))
        #expect(try await second.lease(session: session) == lease)
        // Re-acquiring as the holder extends the same lease.
        clock.advance(10)
        let extended = try await first.acquireLease(session: session, owner: "process-a", ttl: .seconds(30))
        #expect(extended.acquiredAt == lease.acquiredAt)
        #expect(extended.expiresAt == clock.now.addingTimeInterval(30))
    }

    @Test func writesOfANonHolderAreFencedAndChangeNothing() async throws {
        try await first.acquireLease(session: session, owner: "process-a", ttl: .seconds(30))
        let row = Rows.queued("a", key: "k")
        await #expect(throws: RuntimeStoreError.self) { try await second.writeInputs(runtime, [row]) }
        await #expect(throws: RuntimeStoreError.self) {
            try await second.atomicApply(
                runtime,
                BoundaryCommit(
                    receipt: Rows.receipt(run: RunID(), sequence: 1), session: Transcript.session(session, count: 2)))
        }
        await #expect(throws: RuntimeStoreError.self) {
            try await second.saveLifecycle(runtime, RuntimeLifecycleRow(state: .idle, updatedAt: instant(1)))
        }
        try await first.writeInputs(runtime, [row])
        await #expect(throws: RuntimeStoreError.self) {
            try await second.compareAndSwapInput(runtime, expected: row, next: nil)
        }
        // Reads are never fenced; the holder's writes went through, the others' did not.
        #expect(try await second.loadInputs(runtime) == [row])
        #expect(try await second.loadReceipts(runtime).isEmpty)
        #expect(try await second.loadSession(session) == nil)
        #expect(try await second.loadLifecycle(runtime) == nil)
        // Other sessions are not affected.
        try await second.writeInputs(.session(SessionID()), [Rows.queued("elsewhere")])
    }

    @Test func anExpiredLeaseCanBeTakenOverAndTheOldHolderLosesIt() async throws {
        try await first.acquireLease(session: session, owner: "process-a", ttl: .seconds(30))
        clock.advance(29)
        try await first.renewLease(session: session, owner: "process-a", ttl: .seconds(30))
        clock.advance(29)
        await #expect(throws: RuntimeStoreError.self) {
            try await second.acquireLease(session: session, owner: "process-b", ttl: .seconds(30))
        }
        clock.advance(2)  // 31 s after the renewal: lapsed
        let taken = try await second.acquireLease(session: session, owner: "process-b", ttl: .seconds(30))
        #expect(taken.owner == "process-b")
        #expect(taken.acquiredAt == clock.now)
        await #expect(throws: RuntimeStoreError.self) {
            try await first.renewLease(session: session, owner: "process-a", ttl: .seconds(30))
        }
        await #expect(throws: RuntimeStoreError.self) { try await first.writeInputs(runtime, [Rows.queued("late")]) }
        try await second.writeInputs(runtime, [Rows.queued("fresh")])
    }

    @Test func releasingLetsTheNextOwnerIn() async throws {
        try await first.acquireLease(session: session, owner: "process-a", ttl: .seconds(30))
        // Releasing someone else's lease is a no-op.
        try await second.releaseLease(session: session, owner: "process-b")
        #expect(try await first.lease(session: session)?.owner == "process-a")
        try await first.releaseLease(session: session, owner: "process-a")
        #expect(try await first.lease(session: session) == nil)
        await #expect(throws: RuntimeStoreError.self) {
            try await first.renewLease(session: session, owner: "process-a", ttl: .seconds(30))
        }
        try await second.acquireLease(session: session, owner: "process-b", ttl: .seconds(30))
    }

    @Test func openingASessionHeldElsewhereIsStaleAuthority() async throws {
        try await first.acquireLease(session: session, owner: "process-a", ttl: .seconds(30))
        let error = await #expect(throws: RuntimeDriverError.self) {
            _ = try await SessionRuntime.open(session: session, store: second)
        }
        guard case .staleAuthority = error else {
            Issue.record("expected staleAuthority, got \(String(describing: error))")
            return
        }
        let (runtime, _) = try await SessionRuntime.open(session: session, store: first)
        #expect(await runtime.state == .idle)
    }

    @Test func processInstanceIDIsTheDefaultOwner() throws {
        let store = SQLiteRuntimeStore(database: first.database)
        #expect(store.owner == SQLiteRuntimeStore.processInstanceID)
        // host:pid:instance, so a restarted process can tell that a lease's owner died.
        let parts = store.owner.split(separator: ":")
        #expect(parts.count == 3 && Int32(parts[1]) == getpid())
    }

    /// A real second process: the `sqlite3` shell writes a lease row into the same WAL database while this
    /// process has it open, and this process's next write is fenced. Skipped where the shell is not installed.
    @Test(.enabled(if: LeaseTests.sqliteShell != nil, "needs the sqlite3 shell"))
    func aLeaseWrittenByAnotherProcessFencesThisOne() async throws {
        let shell = try #require(Self.sqliteShell)
        let row = Rows.queued("before")
        try await first.writeInputs(runtime, [row])
        let expires = Int64((clock.now.timeIntervalSince1970 + 60) * 1000)
        // posix_spawn and a blocking waitpid: Foundation's `Process` involves libdispatch, whose process handling
        // crashed a test run once (issue 11).
        let arguments = [
            shell, first.database.path,
            "PRAGMA busy_timeout = 5000; INSERT INTO session_leases (session_id, owner, acquired_at_ms, expires_at_ms) "
                + "VALUES ('\(session)', 'other-process', 0, \(expires));",
        ]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        #expect(posix_spawn(&pid, shell, nil, nil, &argv, environ) == 0)
        var status: Int32 = -1
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        #expect(status == 0)
        let error = await #expect(throws: RuntimeStoreError.self) {
            try await first.writeInputs(runtime, [Rows.queued("after")])
        }
        guard case .ownedElsewhere(let message) = error else {
            Issue.record("expected ownedElsewhere, got \(String(describing: error))")
            return
        }
        #expect(message.contains("other-process"))
        #expect(try await second.loadInputs(runtime) == [row])
    }

    static let sqliteShell: String? = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3", "/bin/sqlite3"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
}
