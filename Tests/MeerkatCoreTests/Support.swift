import Foundation
import MeerkatCore
import Testing

/// Compact key-sorted JSON text of a value.
func json(_ value: some Encodable) throws -> String {
    let text = try WireJSON.encodeString(value)
    #expect(text == String(decoding: try WireJSON.encoder().encode(value), as: UTF8.self))
    return text
}

/// Decodes JSON text.
func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    try WireJSON.decoder().decode(T.self, from: Data(text.utf8))
}

/// Encodes, decodes and checks equality.
func roundTrip<T: Codable & Equatable>(_ value: T) throws -> T {
    let decoded = try WireJSON.decoder().decode(T.self, from: WireJSON.encoder().encode(value))
    #expect(decoded == value)
    return decoded
}

let fixedID = InputID("0190f3a2-7b1c-7d4e-8f00-123456789abc")!
let fixedID2 = InputID("0190f3a2-7b1c-7d4e-8f00-123456789abd")!
