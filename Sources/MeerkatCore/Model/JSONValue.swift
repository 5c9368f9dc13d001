public import Foundation

/// An arbitrary JSON document: tool arguments, structured output, provider parameters, metadata.
///
/// Numbers are held as `Double`; integers beyond 2^53 lose precision (documented in docs/core.md).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 9.0e15 {
                try container.encode(Int64(value))
            } else {
                try container.encode(value)
            }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue {
    /// The string payload, if this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The numeric payload, if this is a number.
    public var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The integer payload, if this is a number without a fractional part.
    public var intValue: Int? {
        if case .number(let value) = self, value.rounded() == value, abs(value) < 9.0e15 { return Int(value) }
        return nil
    }

    /// The boolean payload, if this is a boolean.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The members, if this is an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// Member lookup for objects; `nil` for other values.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// The JSON type name used in error messages and by JSON Schema (`integer` for whole numbers).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number(let value): value.rounded() == value ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Parses JSON text. Throws `JSONValue.ParseError` naming the problem and its byte offset.
    public static func parse(_ text: String) throws(ParseError) -> JSONValue {
        var text = text
        return try parseContiguous { try text.withUTF8 { try parse(bytes: $0) } }
    }

    /// Parses JSON bytes. Throws `JSONValue.ParseError` naming the problem and its byte offset.
    public static func parse(_ data: Data) throws(ParseError) -> JSONValue {
        try parseContiguous {
            try data.withUnsafeBytes { raw in try parse(bytes: raw.bindMemory(to: UInt8.self)) }
        }
    }

    /// Compact JSON text with sorted keys (stable, suitable for digests and logs).
    public func compactText() -> String {
        String(decoding: encodedJSONBytes(), as: UTF8.self)
    }

    /// A JSON parse failure.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// What the parser objected to.
        public let message: String
        public var description: String { message }
    }
}

/// Shared JSON coders with the project's wire conventions (sorted keys for stable output).
public enum WireJSON {
    /// An encoder producing compact, key-sorted JSON.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(WireJSON.formatDate(date))
        }
        return encoder
    }

    /// A decoder accepting the encoder's formats (RFC 3339 dates with or without fractions).
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = WireJSON.parseDate(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "'\(text)' is not an RFC 3339 timestamp")
            }
            return date
        }
        return decoder
    }

    /// Encodes a value to compact JSON text: the text `encoder()` writes.
    public static func encodeString(_ value: some Encodable) throws -> String {
        String(decoding: try JSONTreeEncoder.encodeBytes(value), as: UTF8.self)
    }

    /// Encodes a value to compact JSON bytes, byte for byte what `encoder().encode(value)` returns, in one pass over
    /// the value (no Foundation tree, no `Data`); the stores and the request-size estimate use it. `JSONBytesTests`
    /// hold the two together.
    public static func encodeBytes(_ value: some Encodable) throws -> [UInt8] {
        try JSONTreeEncoder.encodeBytes(value)
    }

    /// Encodes any `Encodable` into a `JSONValue` tree.
    public static func toJSONValue(_ value: some Encodable) throws -> JSONValue {
        // Built directly (no text in between); JSONTreeEncoderTests hold it to `encoder()` followed by a parse.
        try JSONTreeEncoder.encode(value)
    }

    /// Decodes a `JSONValue` tree into a typed value.
    public static func fromJSONValue<T: Decodable>(_ value: JSONValue, as type: T.Type = T.self) throws -> T {
        // The byte writer is byte-identical to `encoder()` (JSONBytesTests) and skips `JSONEncoder`'s generic walk.
        try decoder().decode(T.self, from: Data(value.encodedJSONBytes()))
    }

    /// RFC 3339 UTC with milliseconds, e.g. `2026-11-21T10:00:00.123Z`. The date is rounded to the nearest
    /// millisecond, so formatting a parsed timestamp gives back the same text.
    public static func formatDate(_ date: Date) -> String {
        let totalMS = (date.timeIntervalSince1970 * 1000).rounded()
        if abs(totalMS) < 1e15, let text = RFC3339.format(millisecondsSince1970: Int64(totalMS)) { return text }
        return foundationFormatDate(totalMS)
    }

    /// Foundation's formatting, for dates outside the years `RFC3339` writes (and as its reference in tests).
    static func foundationFormatDate(_ totalMS: Double) -> String {
        let seconds = (totalMS / 1000).rounded(.down)
        let milliseconds = Int(totalMS - seconds * 1000)
        let whole = Date(timeIntervalSince1970: seconds)
            .formatted(
                Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: TimeZone(identifier: "UTC")!))
        let fraction = String(milliseconds + 1000).dropFirst()  // zero-padded to three digits
        return whole.dropLast() + "." + fraction + "Z"
    }

    /// Parses RFC 3339 timestamps with or without fractional seconds.
    public static func parseDate(_ text: String) -> Date? {
        RFC3339.parse(text) ?? foundationParseDate(text)
    }

    /// Foundation's parsing, for every shape `RFC3339` does not read (and as its reference in tests).
    static func foundationParseDate(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }
}
