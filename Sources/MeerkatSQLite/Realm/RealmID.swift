import Foundation

/// The identity of a realm: 1–64 ASCII alphanumerics, `_` or `-`, and not UUID-like (so a realm id can never be
/// mistaken for a session id).
public struct RealmID: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The validated text.
    public let rawValue: String

    /// Validates `rawValue`.
    public init(_ rawValue: String) throws(RealmError) {
        if let reason = Self.problem(rawValue) { throw .invalidRealmID(rawValue, reason: reason) }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try RealmID(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// Why `text` is not a valid realm id, or nil when it is.
    public static func problem(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        if bytes.isEmpty { return "must not be empty" }
        if bytes.count > 64 { return "must be at most 64 characters (has \(bytes.count))" }
        let allowed = bytes.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        if !allowed { return "only ASCII letters, digits, '_' and '-' are allowed" }
        if isUUIDLike(text) { return "must not look like a UUID (session ids are UUIDs)" }
        return nil
    }

    /// A canonical UUID (with or without dashes, any case).
    private static func isUUIDLike(_ text: String) -> Bool {
        if UUID(uuidString: text) != nil { return true }
        let hex = text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
        }
        return hex && text.utf8.count == 32
    }
}
