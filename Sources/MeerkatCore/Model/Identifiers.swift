public import Foundation

/// Mints RFC 9562 version-7 UUIDs: a 48-bit Unix millisecond timestamp followed by random bits,
/// so ids sort by creation time.
public enum UUIDv7 {
    /// A new v7 UUID for the current wall-clock time.
    ///
    /// The random bits come from a process-wide generator seeded once from the system's CSPRNG, not from a
    /// `getrandom` call per id: ids are minted on hot paths (every event, input and run), and they need to be unique
    /// and unguessable in practice, not secret.
    public static func make(now: Date = Date()) -> UUID {
        let milliseconds = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        let (high, low) = IDEntropy.shared.next()
        return make(milliseconds: milliseconds, randomHigh: high, randomLow: low)
    }

    /// A v7 UUID for an explicit timestamp and random source (deterministic in tests).
    public static func make(milliseconds: UInt64, using generator: inout some RandomNumberGenerator) -> UUID {
        make(milliseconds: milliseconds, randomHigh: generator.next(), randomLow: generator.next())
    }

    private static func make(milliseconds: UInt64, randomHigh: UInt64, randomLow: UInt64) -> UUID {
        // 48-bit timestamp | version 7 + 12 random bits | variant 10 + 62 random bits.
        let high = (milliseconds << 16) | 0x7000 | (randomHigh & 0x0FFF)
        let low = (randomLow & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        func byte(_ word: UInt64, _ index: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: word >> (56 - 8 * index)) }
        return UUID(
            uuid: (
                byte(high, 0), byte(high, 1), byte(high, 2), byte(high, 3), byte(high, 4), byte(high, 5),
                byte(high, 6), byte(high, 7), byte(low, 0), byte(low, 1), byte(low, 2), byte(low, 3), byte(low, 4),
                byte(low, 5), byte(low, 6), byte(low, 7)
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
        guard let uuid = UUID(canonicalText: description) else { return nil }
        self.init(uuid: uuid)
    }

    /// Lowercase canonical UUID text.
    public var description: String { uuid.lowercaseText }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let uuid = UUID(canonicalText: text) else {
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
