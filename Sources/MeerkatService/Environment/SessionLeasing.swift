import Foundation
public import MeerkatCore
public import MeerkatRuntime
public import MeerkatSQLite

/// A store that can grant one process at a time the right to run a session.
public protocol SessionLeasing: Sendable {
    /// Takes (or extends) the lease; throws `ownedElsewhere` while another live owner holds it.
    func acquire(session: SessionID, owner: String, ttl: Duration) async throws(RuntimeStoreError)
    /// Extends a held lease; throws `ownedElsewhere` when it was lost.
    func renew(session: SessionID, owner: String, ttl: Duration) async throws(RuntimeStoreError)
    /// Gives the lease up.
    func release(session: SessionID, owner: String) async throws(RuntimeStoreError)
    /// The current holder, if any.
    func holder(session: SessionID) async throws(RuntimeStoreError) -> String?
    /// Takes the lease of a session being created and saves the session in the same transaction, when `sessions`
    /// keeps its sessions where this store keeps leases; false, with nothing done, otherwise (the caller saves the
    /// session and takes the lease with `acquire`).
    func acquire(creating session: Session, owner: String, ttl: Duration, sessions: any SessionStore)
        async throws(RuntimeStoreError) -> Bool
}

extension SessionLeasing {
    /// False: a store that cannot save sessions with its leases.
    public func acquire(creating session: Session, owner: String, ttl: Duration, sessions: any SessionStore)
        async throws(RuntimeStoreError) -> Bool
    {
        false
    }
}

extension SQLiteRuntimeStore: SessionLeasing {
    public func acquire(session: SessionID, owner: String, ttl: Duration) async throws(RuntimeStoreError) {
        try await acquireLease(session: session, owner: owner, ttl: ttl)
    }

    public func renew(session: SessionID, owner: String, ttl: Duration) async throws(RuntimeStoreError) {
        try await renewLease(session: session, owner: owner, ttl: ttl)
    }

    public func release(session: SessionID, owner: String) async throws(RuntimeStoreError) {
        try await releaseLease(session: session, owner: owner)
    }

    public func holder(session: SessionID) async throws(RuntimeStoreError) -> String? {
        try await lease(session: session)?.owner
    }

    public func acquire(creating session: Session, owner: String, ttl: Duration, sessions: any SessionStore)
        async throws(RuntimeStoreError) -> Bool
    {
        guard keepsSessions(of: sessions) else { return false }
        try await acquireLease(creating: session, owner: owner, ttl: ttl)
        return true
    }
}

/// Holds the leases of the sessions live here, renewing them in the background.
///
/// One renewer task serves every held lease: every `ttl / 3` it renews each of them in turn. (Each session had a
/// sleeping renewal task of its own before, a task to create per new session and to keep per idle one.)
actor LeaseKeeper {
    private let leasing: any SessionLeasing
    private let ttl: Duration
    private let clock: any MeerkatClock
    /// Held leases, with what to do when a renewal finds one gone.
    private var held: [SessionID: @Sendable () async -> Void] = [:]
    private var renewer: Task<Void, Never>?
    /// Tells the current renewer from one cancelled earlier that is still finishing a round.
    private var renewerGeneration = 0

    init(leasing: any SessionLeasing, ttl: Duration = .seconds(30), clock: any MeerkatClock = SystemClock()) {
        self.leasing = leasing
        self.ttl = ttl
        self.clock = clock
    }

    /// Takes the lease, taking over from a dead owner on this host; `onLost` runs if a renewal finds it gone.
    func hold(_ session: SessionID, onLost: @escaping @Sendable () async -> Void) async throws(RuntimeStoreError) {
        do {
            try await leasing.acquire(session: session, owner: LeaseOwner.current, ttl: ttl)
        } catch {
            guard case .ownedElsewhere = error, let holder = try await leasing.holder(session: session),
                LeaseOwner.isDeadLocalOwner(holder)
            else { throw error }
            try await leasing.release(session: session, owner: holder)
            try await leasing.acquire(session: session, owner: LeaseOwner.current, ttl: ttl)
        }
        keep(session, onLost: onLost)
    }

    /// Takes the lease of a session being created, saving the session in the same write where `sessions` shares the
    /// lease store's database. False, with nothing done, when it does not: the caller saves, then `hold`s.
    func hold(
        creating session: Session, sessions: any SessionStore, onLost: @escaping @Sendable () async -> Void
    ) async throws(RuntimeStoreError) -> Bool {
        guard
            try await leasing.acquire(
                creating: session, owner: LeaseOwner.current, ttl: ttl, sessions: sessions)
        else { return false }
        keep(session.id, onLost: onLost)
        return true
    }

    /// The sessions whose leases are held (tests and diagnostics).
    var heldSessions: Set<SessionID> { Set(held.keys) }

    /// True while the renewer task runs (it stops when no lease is held).
    var isRenewing: Bool { renewer != nil }

    /// Stops renewing and gives the lease up.
    func release(_ session: SessionID) async {
        held.removeValue(forKey: session)
        if held.isEmpty {
            renewer?.cancel()
            renewer = nil
        }
        try? await leasing.release(session: session, owner: LeaseOwner.current)
    }

    /// Adds a held lease to the renewals, starting the renewer if it is not running.
    private func keep(_ session: SessionID, onLost: @escaping @Sendable () async -> Void) {
        held[session] = onLost
        guard renewer == nil else { return }
        let clock = self.clock
        let period = ttl / 3
        renewerGeneration += 1
        let generation = renewerGeneration
        renewer = Task { [weak self] in
            while !Task.isCancelled {
                do { try await clock.sleep(for: period) } catch { return }
                guard let self, await self.renewAll(generation: generation) else { return }
            }
        }
    }

    /// Renews every held lease; a lease found gone is dropped and its `onLost` runs. False when none is left.
    private func renewAll(generation: Int) async -> Bool {
        for session in held.keys {
            do {
                try await leasing.renew(session: session, owner: LeaseOwner.current, ttl: ttl)
            } catch {
                // Released meanwhile: not lost, just no longer ours to renew.
                guard let onLost = held.removeValue(forKey: session) else { continue }
                await onLost()
            }
        }
        if held.isEmpty, generation == renewerGeneration { renewer = nil }
        return !held.isEmpty
    }
}
