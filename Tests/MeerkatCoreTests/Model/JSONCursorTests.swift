import MeerkatCore
import Testing

/// `JSONValue.read` walks a document with the parser's rules, handing out what the reader asks for.
@Suite struct JSONCursorTests {
    @Test func readsMembersElementsAndScalarsInDocumentOrder() throws {
        let text = #" {"a": [1, "two", null, true], "b": {"c": -2.5e1}, "a": "again", "d": {"e": [[]]}} "#
        var seen: [String] = []
        try JSONValue.read(text) { cursor throws(JSONValue.ParseError) in
            #expect(cursor.kind == .object)
            try cursor.members { cursor, key throws(JSONValue.ParseError) in
                seen.append(key)
                switch (key, cursor.kind) {
                case ("a", .array?):
                    var kinds: [JSONCursor.Kind?] = []
                    try cursor.elements { element throws(JSONValue.ParseError) in
                        kinds.append(element.kind)
                        try element.skip()
                    }
                    #expect(kinds == [.number, .string, .null, .bool])
                case ("a", .string?): #expect(try cursor.string() == "again")
                case ("b", _):
                    try cursor.members { inner, key throws(JSONValue.ParseError) in
                        #expect(key == "c")
                        #expect(try inner.number() == -25)
                    }
                default: #expect(try cursor.value() == ["e": [[]]])
                }
            }
        }
        #expect(seen == ["a", "b", "a", "d"])
    }

    @Test(arguments: [
        "", "  ", #"{"a":1"#, #"{"a":1} x"#, #"{"a":01}"#, #"{"a":"\q"}"#, #"[1,]"#, #"{"a" 1}"#, "nul",
        "\"tab\there\"", #"["\ud800"]"#, #"{"a":"unterminated}"#, #"[[[["#, "\"\u{7}\"",
    ])
    func refusesWhatTheParserRefuses(text: String) {
        #expect((try? JSONValue.parse(text)) == nil)
        #expect((try? JSONValue.read(text) { cursor throws(JSONValue.ParseError) in try cursor.skip() }) == nil)
    }

    @Test func skippingChecksEveryByteAsParsingDoes() {
        // Every prefix and single-byte change of a document with escapes, non-ASCII text, nesting and numbers.
        let document = #"{"a":[1,-2.5e3,true,null,{"b":"x\"y\u00e9\ud83d\ude00"}],"é":"ünïcode","c":{}}"#
        let bytes = Array(document.utf8)
        var texts = (0...bytes.count).map { String(decoding: bytes[..<$0], as: UTF8.self) }
        for position in bytes.indices {
            for replacement: UInt8 in [0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x30, 0x0A, 0x01, 0xC3, 0xFF] {
                var changed = bytes
                changed[position] = replacement
                texts.append(String(decoding: changed, as: UTF8.self))
            }
        }
        var readable = 0
        for text in texts {
            let parsed = (try? JSONValue.parse(text)) != nil
            let skipped =
                (try? JSONValue.read(text) { cursor throws(JSONValue.ParseError) in try cursor.skip() }) != nil
            #expect(parsed == skipped, "\(text.debugDescription)")
            if parsed { readable += 1 }
        }
        #expect(readable > 20)
    }

    @Test func aValueLeftUnreadOrReadAsAnotherKindIsAnError() {
        #expect(throws: JSONValue.ParseError.self) {
            try JSONValue.read(#"{"a":1}"#) { cursor throws(JSONValue.ParseError) in
                try cursor.members { _, _ throws(JSONValue.ParseError) in }
            }
        }
        #expect(throws: JSONValue.ParseError.self) {
            try JSONValue.read(#"[1]"#) { _ throws(JSONValue.ParseError) in }
        }
        #expect(throws: JSONValue.ParseError.self) {
            try JSONValue.read(#""text""#) { cursor throws(JSONValue.ParseError) in _ = try cursor.number() }
        }
        #expect(throws: JSONValue.ParseError.self) {
            try JSONValue.read(#"{"a":1}"#) { cursor throws(JSONValue.ParseError) in
                try cursor.elements { element throws(JSONValue.ParseError) in try element.skip() }
            }
        }
    }
}
