import Foundation
import MeerkatCore
import Testing

@testable import MeerkatRuntime

/// Encoding helpers for golden JSON tests (sorted keys, RFC 3339 dates).
enum Wire {
    /// The stores' text of a value; every golden also checks that it is `JSONEncoder`'s text.
    static func json(_ value: some Encodable) throws -> String {
        let text = try WireJSON.encodeString(value)
        #expect(text == String(decoding: try WireJSON.encoder().encode(value), as: UTF8.self))
        return text
    }

    static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try WireJSON.decoder().decode(T.self, from: Data(json.utf8))
    }

    /// Asserts the exact encoding and that decoding it gives the value back.
    static func expectGolden<T: Codable & Equatable>(
        _ value: T, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let encoded = try json(value)
        #expect(encoded == expected, sourceLocation: sourceLocation)
        let decoded = try decode(T.self, expected)
        #expect(decoded == value, sourceLocation: sourceLocation)
    }
}

/// Fixed values for deterministic tests.
enum Fixture {
    static let date = Date(timeIntervalSince1970: 1_790_000_000)
    static let dateText = "2026-09-21T14:13:20.000Z"
    static let laterDate = Date(timeIntervalSince1970: 1_790_000_060)
    static let laterDateText = "2026-09-21T14:14:20.000Z"

    static let inputID = InputID("01900000-0000-7000-8000-000000000001")!
    static let otherInputID = InputID("01900000-0000-7000-8000-000000000002")!
    static let runID = RunID("01900000-0000-7000-8000-0000000000aa")!
    static let sessionID = SessionID("01900000-0000-7000-8000-0000000000ff")!
    static let correlationID = CorrelationID("01900000-0000-7000-8000-0000000000cc")!

    static func header(
        id: InputID = inputID, source: InputOrigin = .operator, durability: InputDurability = .durable
    ) -> InputHeader {
        InputHeader(id: id, timestamp: date, source: source, durability: durability)
    }

    static let headerJSON =
        #"{"durability":"durable","id":"01900000-0000-7000-8000-000000000001","source":{"type":"operator"},"#
        + #""timestamp":"2026-09-21T14:13:20.000Z","visibility":{"operator_eligible":true,"transcript_eligible":true}}"#

    static func peer(
        _ convention: PeerConvention?, handlingMode: HandlingMode? = nil, content: ContentInput = .text("hello"),
        injectedContext: [ContentInput] = [], source: InputOrigin = .peer(peerID: "peer-1", displayIdentity: "Alice"),
        durability: InputDurability = .durable
    ) -> Input {
        .peer(
            PeerInput(
                header: header(source: source, durability: durability), convention: convention, content: content,
                handlingMode: handlingMode, injectedContext: injectedContext))
    }
}
