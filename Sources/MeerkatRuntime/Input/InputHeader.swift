public import Foundation
public import MeerkatCore

/// Fields common to every input variant (RUNTIME.md §2.1).
///
/// On the wire the header is a nested object under the key `header` of each input (not flattened), which
/// keeps header keys such as `id` or `source` from colliding with variant fields. Every header field is
/// optional when decoding and defaults as follows: `id` a fresh v7 id, `timestamp` now, `source`
/// `operator`, `durability` `durable`, `visibility` both flags true; the three keys stay absent. A missing
/// `header` object decodes as all defaults, so `{"input_type":"prompt","content":"hi"}` is a valid input.
public struct InputHeader: Sendable, Hashable, Codable {
    /// Unique id of the input (minted by its producer).
    public var id: InputID
    /// Creation time.
    public var timestamp: Date
    /// Who produced the input.
    public var source: InputOrigin
    /// Persistence requirement.
    public var durability: InputDurability
    /// Transcript/operator visibility (carried only).
    public var visibility: InputVisibility
    /// Caller-chosen dedup key (RUNTIME.md §2.6).
    public var idempotencyKey: IdempotencyKey?
    /// Coalescing scope key (RUNTIME.md §6).
    public var supersessionKey: SupersessionKey?
    /// Tracing id; becomes the turn's transcript interaction id for non-steer inputs.
    public var correlationID: CorrelationID?

    private enum CodingKeys: String, CodingKey {
        case id, timestamp, source, durability, visibility
        case idempotencyKey = "idempotency_key", supersessionKey = "supersession_key"
        case correlationID = "correlation_id"
    }

    public init(
        id: InputID = InputID(), timestamp: Date = Date(), source: InputOrigin = .operator,
        durability: InputDurability = .durable, visibility: InputVisibility = InputVisibility(),
        idempotencyKey: IdempotencyKey? = nil, supersessionKey: SupersessionKey? = nil,
        correlationID: CorrelationID? = nil
    ) {
        self.id = id
        self.timestamp = timestamp
        self.source = source
        self.durability = durability
        self.visibility = visibility
        self.idempotencyKey = idempotencyKey
        self.supersessionKey = supersessionKey
        self.correlationID = correlationID
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(InputID.self, forKey: .id) ?? InputID()
        timestamp = try container.decodeIfPresent(Date.self, forKey: .timestamp) ?? Date()
        source = try container.decodeIfPresent(InputOrigin.self, forKey: .source) ?? .operator
        durability = try container.decodeIfPresent(InputDurability.self, forKey: .durability) ?? .durable
        visibility = try container.decodeIfPresent(InputVisibility.self, forKey: .visibility) ?? InputVisibility()
        idempotencyKey = try container.decodeIfPresent(IdempotencyKey.self, forKey: .idempotencyKey)
        supersessionKey = try container.decodeIfPresent(SupersessionKey.self, forKey: .supersessionKey)
        correlationID = try container.decodeIfPresent(CorrelationID.self, forKey: .correlationID)
    }
}
