import Foundation
import Testing

@testable import MeerkatCore

/// `WireJSON.toJSONValue` builds its tree with `JSONTreeEncoder`; it must be the tree `WireJSON.encoder()` followed
/// by a parse gives, for every shape the project encodes.
@Suite struct JSONTreeEncoderTests {
    private func reference(_ value: some Encodable) throws -> JSONValue {
        try JSONValue.parse(WireJSON.encoder().encode(value))
    }

    /// The tree is the reference tree, and the bytes written from it are `JSONEncoder`'s bytes.
    private func expectSame(_ value: some Encodable, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try JSONTreeEncoder.encode(value) == reference(value), sourceLocation: sourceLocation)
        #expect(
            try WireJSON.encodeBytes(value) == Array(WireJSON.encoder().encode(value)), sourceLocation: sourceLocation)
    }

    /// Every container and scalar path of `Encoder`, with the edge values that differ between them.
    private struct Everything: Encodable {
        var date = Date(timeIntervalSince1970: 1_780_000_000.1234)
        var float: Float = 0.1
        var floats: [Float] = [1.5, 0.3, -2]
        var double = 0.1 + 0.2
        var big: Int64 = 9_007_199_254_740_993
        var unsigned: UInt64 = .max
        var small: [Int8] = [-128, 127]
        var data = Data([0, 1, 2, 250])
        var url = URL(string: "https://example.com/a?b=c")!
        var missing: String? = nil
        var present: String? = "x"
        var nested: [String: [Int: String]] = ["a": [1: "one", 2: "two"]]
        var json: JSONValue = ["k": [1, 2.5, nil, true, "s"], "e": [:]]

        enum Keys: String, CodingKey { case date, float, floats, double, big, unsigned, small, data, url, missing }
        enum More: String, CodingKey { case present, explicitNil, nested, json, inner, list, base }

        func encode(to encoder: any Encoder) throws {
            var keyed = encoder.container(keyedBy: Keys.self)
            try keyed.encode(date, forKey: .date)
            try keyed.encode(float, forKey: .float)
            try keyed.encode(floats, forKey: .floats)
            try keyed.encode(double, forKey: .double)
            try keyed.encode(big, forKey: .big)
            try keyed.encode(unsigned, forKey: .unsigned)
            try keyed.encode(small, forKey: .small)
            try keyed.encode(data, forKey: .data)
            try keyed.encode(url, forKey: .url)
            try keyed.encodeIfPresent(missing, forKey: .missing)
            var more = encoder.container(keyedBy: More.self)
            try more.encodeIfPresent(present, forKey: .present)
            try more.encode(missing, forKey: .explicitNil)
            try more.encode(nested, forKey: .nested)
            try more.encode(json, forKey: .json)
            var inner = more.nestedContainer(keyedBy: Keys.self, forKey: .inner)
            try inner.encode(float, forKey: .float)
            try inner.encodeNil(forKey: .missing)
            var list = more.nestedUnkeyedContainer(forKey: .list)
            try list.encode(1)
            try list.encode("two")
            try list.encodeNil()
            try list.encode(date)
            var row = list.nestedContainer(keyedBy: Keys.self)
            try row.encode(true, forKey: .url)
            var deeper = list.nestedUnkeyedContainer()
            try deeper.encode(Float(2.25))
            try date.encode(to: more.superEncoder(forKey: .base))
        }
    }

    @Test func everyEncoderPathMatchesJSONEncoder() throws {
        try expectSame(Everything())
        try expectSame([Everything(), Everything()])
        try expectSame("top-level string")
        try expectSame(42)
        try expectSame(Optional<Int>.none)
        try expectSame([Date(timeIntervalSince1970: 0)])
        try expectSame(["a": JSONValue.number(1e20), "b": -0.0, "c": 0.1, "d": [[:], []]])
        try expectSame([JSONValue.number(9_007_199_254_740_992), "x", nil])
        try expectSame(JSONValue.object(["n": 1.5e300]))
    }

    /// Numbers whose text depends on the type they were encoded with: `JSONEncoder` writes integers exactly (beyond
    /// 2^53 too), a `Double` or `Float` as its own shortest text, and a `JSONValue` number through `JSONValue`'s rule.
    @Test func numbersAreWrittenAsTheirEncodedTypeIsWritten() throws {
        try expectSame([Int64.max, Int64.min, 9_007_199_254_740_993, 0, -1])
        try expectSame([UInt64.max, 18_446_744_073_709_551_000])
        try expectSame([
            -0.0, 1e15, 1e16, 9.0e15, 123_456_789_012_345, 0.1 + 0.2, 1e-7, 5e-324, .greatestFiniteMagnitude,
        ])
        try expectSame([Float(1e15), -0.0, 16_777_217, 3.4e38, 0.1, 1e-7, 2.5])
        try expectSame(["d": -0.0, "i": 3, "e": 1e15] as [String: Double])
        try expectSame(JSONValue.array([-0.0, 1e15, 9.0e15]))
        try expectSame(UInt8(255))
        try expectSame(Int16(-300))
        #expect(throws: EncodingError.self) { try WireJSON.encodeBytes([Double.nan]) }
        #expect(throws: EncodingError.self) { try WireJSON.encodeBytes(["k": Float.infinity]) }
    }

    @Test func emptyValuesAndEscapedTextMatchJSONEncoder() throws {
        struct Empty: Encodable { func encode(to encoder: any Encoder) throws {} }
        /// Sets one key twice, through two containers of the same encoder (`JSONEncoder` keeps the last value).
        struct Twice: Encodable {
            enum Keys: String, CodingKey { case b, a, c }
            func encode(to encoder: any Encoder) throws {
                var first = encoder.container(keyedBy: Keys.self)
                try first.encode("one", forKey: .a)
                try first.encode(1, forKey: .b)
                var second = encoder.container(keyedBy: Keys.self)
                try second.encode("two", forKey: .a)
                try second.encode([3], forKey: .c)
                try second.encode(2, forKey: .b)
            }
        }
        try expectSame(Twice())
        try expectSame([Twice(), Twice()])
        #expect(throws: EncodingError.self) { try WireJSON.encoder().encode(Empty()) }
        #expect(throws: EncodingError.self) { try WireJSON.encodeBytes(Empty()) }
        try expectSame([Empty()])
        try expectSame([String: Int]())
        try expectSame([Int]())
        try expectSame(["path": "a/b", "quote": "\"", "control": "\u{01}\n", "unicode": "é😀\u{2028}"])
    }

    @Test func everyAgentEventMatchesJSONEncoder() throws {
        for event in EventBusTests.everyKind() {
            try expectSame(event)
            try expectSame(EventEnvelope(source: "s", seq: 3, timestampMS: 17, payload: event))
        }
    }

    @Test func transcriptsMatchJSONEncoder() throws {
        let date = Date(timeIntervalSince1970: 1_780_000_000.5)
        let call = ToolCall(
            id: "c1", name: "t", args: ["x": 1], meta: ProviderMeta(provider: "gemini", data: ["sig": "abc"]))
        let messages: [Message] = [
            .system(content: "s", createdAt: date),
            .systemNotice(kind: .comms, blocks: [.text("n")], createdAt: date),
            .user(
                content: [
                    .text("u"), .structured(["a": 1]), .image(mediaType: "image/png", source: .inline(data: "AA")),
                ],
                transcriptRole: .conversational, createdAt: date),
            .assistant(
                blocks: [.reasoning(text: "r", meta: nil), .text(text: "t", meta: nil), .toolUse(call)],
                stopReason: .toolUse, createdAt: date),
            .toolResults(results: [ToolResult(toolUseID: "c1", text: "ok", isError: true)], createdAt: date),
        ]
        try expectSame(messages)
        try expectSame(Usage(inputTokens: 10, outputTokens: 5))
    }

    @Test func nonFiniteNumbersAreRefusedAsJSONEncoderRefusesThem() {
        #expect(throws: EncodingError.self) { try JSONTreeEncoder.encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try JSONTreeEncoder.encode(["k": Float.infinity]) }
        #expect(throws: EncodingError.self) { try JSONTreeEncoder.encode(JSONValue.array([1, .number(.nan)])) }
        #expect(throws: EncodingError.self) { try JSONTreeEncoder.encode(["k": JSONValue.number(.infinity)]) }
    }
}
