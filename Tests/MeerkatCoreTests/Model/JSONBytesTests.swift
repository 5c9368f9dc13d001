import Foundation
import MeerkatCore
import MeerkatTesting
import Testing

/// The byte-level JSON reader and writer agree with Foundation's coders and reject malformed input with a reason.
struct JSONBytesTests {
    private static let alphabet: [String] = [
        "a", "b", "Z", "_", "-", "/", "\"", "\\", "\n", "\t", "\r", "\u{01}", "\u{1F}", "\u{7F}", "é", "😀", "\u{2028}",
        " ", "0", "{", "}", "[", "]", ":", ",", "\u{08}", "\u{0C}",
    ]

    private static func randomString(_ generator: inout SeededRandom) -> String {
        let length = Int.random(in: 0...8, using: &generator)
        return (0..<length).map { _ in alphabet.randomElement(using: &generator)! }.joined()
    }

    private static func randomValue(_ generator: inout SeededRandom, depth: Int) -> JSONValue {
        let choice = Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &generator)
        switch choice {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2:
            let numbers: [Double] = [
                0, -0.0, 1, -1, 42, 0.1, 1.5e-7, 1e20, -3.25, 123_456_789_012.5, 9.0e15, 8.9e15, 1e16, .pi,
                Double(Int32.max), -1e-300,
            ]
            return .number(numbers.randomElement(using: &generator)!)
        case 3: return .number(Double(Int64.random(in: -1_000_000...1_000_000, using: &generator)))
        case 4: return .string(randomString(&generator))
        case 5:
            return .array(
                (0..<Int.random(in: 0...4, using: &generator)).map { _ in randomValue(&generator, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...5, using: &generator) {
                members[randomString(&generator)] = randomValue(&generator, depth: depth + 1)
            }
            return .object(members)
        }
    }

    @Test func writerMatchesJSONEncoderAndReaderMatchesJSONDecoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for seed in UInt64(0)..<2_000 {
            var generator = SeededRandom(seed: seed)
            let value = Self.randomValue(&generator, depth: 0)
            let expected = try encoder.encode(value)
            let written = value.encodedJSONBytes()
            #expect(written == Array(expected), "seed \(seed)")
            let parsed = try JSONValue.parse(expected)
            let foundation = try JSONDecoder().decode(JSONValue.self, from: expected)
            #expect(parsed == foundation, "seed \(seed)")
            #expect(value.compactText() == String(decoding: expected, as: UTF8.self))
        }
    }

    @Test func readerAcceptsEscapesWhitespaceAndNumbers() throws {
        let text = #" { "a" : [1, -0, 2.5e3, 1E-2, true, false, null], "s": "\u00e9\ud83d\ude00\/\b\f\n\r\t\"\\" } "#
        let value = try JSONValue.parse(text)
        #expect(value["a"] == [1, 0, 2500, 0.01, true, false, nil])
        #expect(value["s"] == .string("é😀/\u{08}\u{0C}\n\r\t\"\\"))
        #expect(try JSONValue.parse("12345678901234567890") == .number(12_345_678_901_234_567_890))
    }

    @Test(arguments: [
        ("", "unexpected end of input at byte 0"),
        ("{", "unexpected end of input"),
        ("[1,]", "unexpected character ']'"),
        ("{\"a\" 1}", "expected ':'"),
        ("{1:2}", "expected a string key"),
        ("01", "unexpected data after the JSON value"),
        ("1.", "invalid number"),
        ("-", "unexpected end of input"),
        ("\"abc", "unterminated string"),
        ("\"a\u{01}\"", "unescaped control character"),
        ("\"\\x\"", "invalid escape"),
        ("\"\\ud800\"", "unpaired surrogate"),
        ("tru", "unexpected end of input"),
        ("nul!", "invalid literal"),
        ("[1] x", "unexpected data after the JSON value"),
    ])
    func readerRejectsMalformedInputWithAReason(text: String, reason: String) {
        #expect {
            _ = try JSONValue.parse(text)
        } throws: { error in
            "\(error)".hasPrefix("invalid JSON: ") && "\(error)".contains(reason)
        }
    }

    /// Strings of plain ASCII take a path without UTF-8 validation, the rest are validated: every printable ASCII
    /// byte reads back as itself, valid multi-byte text reads as Foundation reads it, and any invalid sequence after
    /// ASCII text is still refused.
    @Test func stringsReadTheSameOnTheASCIIPathAndTheValidatedPath() throws {
        let printable = (0x20...0x7E).map { UInt8($0) }.filter { $0 != 0x22 && $0 != 0x5C }
        let ascii = String(decoding: printable, as: UTF8.self)
        #expect(try JSONValue.parse(bytes: [0x22] + printable + [0x22]) == .string(ascii))
        for text in ["héllo", "smart “quotes”", "emoji 🦫 end", "日本語", "mixed ascii then ü"] {
            let bytes = Array("\"\(text)\"".utf8)
            let foundation = try JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed) as? String
            #expect(try JSONValue.parse(bytes: bytes) == .string(text))
            #expect(foundation == text)
        }
        let invalidSequences: [[UInt8]] = [
            [0xFF], [0xC3, 0x28], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
        ]
        for invalid in invalidSequences {
            #expect(throws: JSONValue.ParseError.self) {
                try JSONValue.parse(bytes: [0x22, 0x61, 0x62] + invalid + [0x22])
            }
        }
    }

    @Test func readerRejectsInvalidUTF8AndDeepNesting() {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(bytes: [0x22, 0xFF, 0x22]) }
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect {
            _ = try JSONValue.parse(deep)
        } throws: { "\($0)".contains("nesting deeper than 512 levels") }
        let allowed = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(throws: Never.self) { try JSONValue.parse(allowed) }
    }

    /// Token by token, keys in ascending order, the writer produces the bytes of the same document encoded whole.
    @Test func streamingWriterMatchesTheTreeEncoding() throws {
        var out = JSONBytesWriter(capacity: 4)
        out.beginObject()
        out.key("a")
        out.beginArray()
        out.number(1)
        out.number(2.5)
        out.number(-0.0)
        out.string("x\"y\n\u{1}é/")
        out.null()
        out.bool(false)
        out.beginObject()
        out.endObject()
        out.beginArray()
        out.endArray()
        out.value(["z": 1, "b": [true]])
        out.endArray()
        out.field("b", "")
        out.key("c")
        out.beginObject()
        out.key("d")
        out.bool(true)
        out.endObject()
        out.endObject()
        let expected: JSONValue = [
            "a": [1, 2.5, -0.0, "x\"y\n\u{1}é/", nil, false, [:], [], ["z": 1, "b": [true]]], "b": "", "c": ["d": true],
        ]
        #expect(out.bytes == expected.encodedJSONBytes())
        #expect(try JSONValue.parse(bytes: out.bytes) == expected)
    }
}
