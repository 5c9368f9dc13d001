import Foundation
import MeerkatCore
import MeerkatRuntime
import MeerkatTesting
import Testing

@testable import MeerkatService

/// One renewer task renews every held lease each `ttl / 3`; a lease a renewal finds gone is dropped and reported.
struct LeaseKeeperTests {
    /// Leases in memory; `lose` makes the next renewal of a session fail as taken over.
    actor FakeLeasing: SessionLeasing {
        var owners: [SessionID: String] = [:]
        var renewals: [SessionID: Int] = [:]
        var lost: Set<SessionID> = []

        func lose(_ session: SessionID) { lost.insert(session) }

        func acquire(session: SessionID, owner: String, ttl: Duration) throws(RuntimeStoreError) {
            owners[session] = owner
        }

        func renew(session: SessionID, owner: String, ttl: Duration) throws(RuntimeStoreError) {
            guard owners[session] == owner, !lost.contains(session) else { throw .ownedElsewhere("taken over") }
            renewals[session, default: 0] += 1
        }

        func release(session: SessionID, owner: String) throws(RuntimeStoreError) {
            if owners[session] == owner { owners[session] = nil }
        }

        func holder(session: SessionID) throws(RuntimeStoreError) -> String? { owners[session] }
    }

    @Test func oneRenewerServesEveryLeaseAndALostOneIsReportedAndDropped() async throws {
        let leasing = FakeLeasing()
        let clock = ManualClock()
        let keeper = LeaseKeeper(leasing: leasing, ttl: .seconds(30), clock: clock)
        let (a, b) = (SessionID(), SessionID())
        let lostSessions = Box<[SessionID]>([])
        try await keeper.hold(a) { lostSessions.update { $0.append(a) } }
        try await keeper.hold(b) { lostSessions.update { $0.append(b) } }
        #expect(await keeper.isRenewing)
        // One sleeper for both leases.
        await clock.waitForSleepers(1)
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .seconds(10))
        await clock.waitForSleepers(1)
        #expect(await leasing.renewals == [a: 1, b: 1])
        // `b` is taken over: the next round drops it and runs its `onLost`; `a` is still renewed.
        await leasing.lose(b)
        clock.advance(by: .seconds(10))
        await clock.waitForSleepers(1)
        #expect(await leasing.renewals == [a: 2, b: 1])
        #expect(lostSessions.value == [b])
        #expect(await keeper.heldSessions == [a])
        // Releasing the last lease stops the renewer.
        await keeper.release(a)
        #expect(await !keeper.isRenewing)
        #expect(await leasing.owners[a] == nil)
        #expect(clock.sleeperCount == 0)
    }
}
