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
    ])
    func refusesWhatTheParserRefuses(text: String) {
        #expect((try? JSONValue.parse(text)) == nil)
        #expect((try? JSONValue.read(text) { cursor throws(JSONValue.ParseError) in try cursor.skip() }) == nil)
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
