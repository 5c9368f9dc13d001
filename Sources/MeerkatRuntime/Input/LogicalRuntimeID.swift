public import MeerkatCore

/// Identity of a runtime that survives retire and recycle (RUNTIME.md §1).
///
/// For sessions it is `"rt:session:" + sessionId`. A legacy alias equal to the bare session UUID exists
/// only for reading old stores (`legacySessionAlias`).
public struct LogicalRuntimeID: RawRepresentable, Hashable, Sendable, Codable, Comparable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Wraps an id.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// The prefix of session runtime ids.
    public static let sessionPrefix = "rt:session:"

    /// The canonical runtime id of a session.
    public static func session(_ session: SessionID) -> LogicalRuntimeID {
        LogicalRuntimeID(sessionPrefix + session.description)
    }

    /// The legacy alias (bare session UUID) accepted only when reading old stores.
    public static func legacySessionAlias(_ session: SessionID) -> LogicalRuntimeID {
        LogicalRuntimeID(session.description)
    }

    /// The session this id names, for the canonical form and the legacy alias.
    public var sessionID: SessionID? {
        if rawValue.hasPrefix(Self.sessionPrefix) {
            return SessionID(String(rawValue.dropFirst(Self.sessionPrefix.count)))
        }
        return SessionID(rawValue)
    }

    public static func < (lhs: LogicalRuntimeID, rhs: LogicalRuntimeID) -> Bool { lhs.rawValue < rhs.rawValue }
}
