public import Foundation
public import MeerkatCore

/// A session ownership lease: while it is live, only `owner` may run the session (and write its runtime rows).
public struct SessionLease: Sendable, Hashable {
    /// The leased session.
    public var sessionID: SessionID
    /// The holder (a process instance id).
    public var owner: String
    /// When the holder first acquired it.
    public var acquiredAt: Date
    /// When it lapses unless renewed.
    public var expiresAt: Date

    /// A lease value (stores create them; tests and callers compare them).
    public init(sessionID: SessionID, owner: String, acquiredAt: Date, expiresAt: Date) {
        self.sessionID = sessionID
        self.owner = owner
        self.acquiredAt = acquiredAt
        self.expiresAt = expiresAt
    }

    /// True while the lease has not expired at `now`.
    public func isLive(at now: Date) -> Bool { expiresAt > now }
}
