import Foundation

/// Mints RFC 9562 version-7 UUIDs: a 48-bit Unix millisecond timestamp followed by random bits,
/// so ids sort by creation time.
public enum UUIDv7 {
    /// A new v7 UUID for the current wall-clock time.
    public static func make(now: Date = Date()) -> UUID {
        var generator = SystemRandomNumberGenerator()
        return make(milliseconds: UInt64(max(0, now.timeIntervalSince1970 * 1000)), using: &generator)
    }

    /// A v7 UUID for an explicit timestamp and random source (deterministic in tests).
    public static func make(milliseconds: UInt64, using generator: inout some RandomNumberGenerator) -> UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 {
            bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - UInt64(index))))
        }
        for index in 6..<16 {
            bytes[index] = UInt8.random(in: 0...255, using: &generator)
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x70  // version 7
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }

    /// The version nibble of a UUID (7 for ids minted here).
    public static func version(of uuid: UUID) -> Int {
        Int(uuid.uuid.6 >> 4)
    }
}

/// Common behaviour of the UUID-backed identifiers: lowercase canonical text on the wire.
public protocol UUIDIdentifier: Hashable, Sendable, Codable, Comparable, CustomStringConvertible,
    LosslessStringConvertible
{
    /// The underlying UUID.
    var uuid: UUID { get }
    /// Wraps an existing UUID.
    init(uuid: UUID)
}

extension UUIDIdentifier {
    /// Parses the canonical text form (case-insensitive).
    public init?(_ description: String) {
        guard let uuid = UUID(uuidString: description) else { return nil }
        self.init(uuid: uuid)
    }

    /// Lowercase canonical UUID text.
    public var description: String { uuid.uuidString.lowercased() }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let uuid = UUID(uuidString: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not a UUID (\(Self.self))")
        }
        self.init(uuid: uuid)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.description < rhs.description
    }
}

/// Identity of a session (a UUID; minted as v7 so sessions sort by creation).
public struct SessionID: UUIDIdentifier {
    public let uuid: UUID
    public init(uuid: UUID) { self.uuid = uuid }
    /// A fresh session id.
    public init() { self.uuid = UUIDv7.make() }
}

/// Identity of one input admitted to a session's runtime (UUID v7, minted by the producer).
public struct InputID: UUIDIdentifier {
    public let uuid: UUID
    public init(uuid: UUID) { self.uuid = uuid }
    /// A fresh v7 input id.
    public init() { self.uuid = UUIDv7.make() }
}

/// Identity of one execution of the agent loop for one batch of inputs (UUID v7).
public struct RunID: UUIDIdentifier {
    public let uuid: UUID
    public init(uuid: UUID) { self.uuid = uuid }
    /// A fresh v7 run id.
    public init() { self.uuid = UUIDv7.make() }
}
