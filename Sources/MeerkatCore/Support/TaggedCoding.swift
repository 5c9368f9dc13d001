import Foundation

/// A coding key made from any string, used for tag fields and flattened payloads.
public struct AnyCodingKey: CodingKey, Hashable, Sendable {
    public let stringValue: String
    public let intValue: Int?
    public init(_ string: String) {
        self.stringValue = string
        self.intValue = nil
    }
    public init?(stringValue: String) { self.init(stringValue) }
    public init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

/// Helpers for enums serialised as one flat object with a tag field (serde's internally tagged form).
public enum TaggedCoding {
    /// Reads the tag field of the object being decoded.
    public static func tag(in decoder: any Decoder, key: String) throws -> String {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        return try container.decode(String.self, forKey: AnyCodingKey(key))
    }

    /// Writes the tag field and then the payload's own fields into the same object.
    public static func encode(
        tag: String, key: String, payload: (some Encodable)?, to encoder: any Encoder
    ) throws {
        if let payload { try payload.encode(to: encoder) }
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        try container.encode(tag, forKey: AnyCodingKey(key))
    }

    /// The error for an unrecognised tag value, naming the field and the accepted values.
    public static func unknownTag(
        _ tag: String, key: String, expected: [String], in decoder: any Decoder
    ) -> DecodingError {
        DecodingError.dataCorrupted(
            .init(
                codingPath: decoder.codingPath + [AnyCodingKey(key)],
                debugDescription: "unknown \(key) '\(tag)'; expected one of: \(expected.joined(separator: ", "))"))
    }
}

/// An encodable with no fields (for tagged cases without payload).
public struct EmptyPayload: Codable, Sendable, Equatable {
    public init() {}
}
