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

/// Holds a session's lease while the session is live here, renewing it in the background.
actor LeaseKeeper {
    private let leasing: any SessionLeasing
    private let ttl: Duration
    private var renewals: [SessionID: Task<Void, Never>] = [:]

    init(leasing: any SessionLeasing, ttl: Duration = .seconds(30)) {
        self.leasing = leasing
        self.ttl = ttl
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
        renew(session, onLost: onLost)
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
        renew(session.id, onLost: onLost)
        return true
    }

    /// Renews a held lease in the background until it is released or found lost.
    private func renew(_ session: SessionID, onLost: @escaping @Sendable () async -> Void) {
        renewals[session]?.cancel()
        let leasing = self.leasing
        let ttl = self.ttl
        renewals[session] = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: ttl / 3)
                if Task.isCancelled { return }
                do {
                    try await leasing.renew(session: session, owner: LeaseOwner.current, ttl: ttl)
                } catch {
                    await onLost()
                    return
                }
            }
        }
    }

    /// Stops renewing and gives the lease up.
    func release(_ session: SessionID) async {
        renewals.removeValue(forKey: session)?.cancel()
        try? await leasing.release(session: session, owner: LeaseOwner.current)
    }
}
