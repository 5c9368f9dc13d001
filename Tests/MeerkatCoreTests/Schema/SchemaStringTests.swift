import MeerkatCore
import Testing

@Suite struct SchemaStringTests {
    @Test func minLengthAcceptsAStringOfExactlyThatLength() throws {
        #expect(try violations(#"{"minLength": 3}"#, #""abc""#) == [])
    }

    @Test func minLengthRejectsAShorterString() throws {
        #expect(
            try violations(#"{"minLength": 3}"#, #""ab""#)
                == [.init("", "minLength", "expected at least 3 characters, got 2")])
    }

    @Test func maxLengthRejectsALongerString() throws {
        #expect(
            try violations(#"{"maxLength": 3}"#, #""abcd""#)
                == [.init("", "maxLength", "expected at most 3 characters, got 4")])
    }

    @Test func lengthMessagesUseTheSingularForOne() throws {
        #expect(
            try violations(#"{"maxLength": 1}"#, #""ab""#)
                == [.init("", "maxLength", "expected at most 1 character, got 2")])
    }

    @Test func lengthCountsAnAstralCharacterAsOneCodePoint() throws {
        // "👍" is two UTF-16 code units but one code point.
        #expect(try violations(#"{"maxLength": 1, "minLength": 1}"#, #""👍""#) == [])
    }

    @Test func lengthCountsAPrecomposedAccentAsOne() throws {
        #expect(try violations(#"{"maxLength": 1}"#, "\"\u{E9}\"") == [])
    }

    @Test func lengthCountsACombiningSequenceByCodePointsNotCharacters() throws {
        // "e" + COMBINING ACUTE ACCENT is one Character but two code points.
        #expect(
            try violations(#"{"maxLength": 1}"#, "\"e\u{301}\"")
                == [.init("", "maxLength", "expected at most 1 character, got 2")])
    }

    @Test func stringKeywordsIgnoreNonStrings() throws {
        #expect(try violations(#"{"minLength": 5, "pattern": "^x$"}"#, "12") == [])
    }

    @Test func patternSearchesAnywhereInTheString() throws {
        #expect(try violations(#"{"pattern": "b"}"#, #""abc""#) == [])
    }

    @Test func patternRejectsANonMatchingString() throws {
        #expect(
            try violations(#"{"pattern": "^a"}"#, #""ba""#) == [.init("", "pattern", "does not match pattern '^a'")])
    }

    @Test func patternDollarDoesNotMatchBeforeATrailingNewline() throws {
        #expect(
            try violations(#"{"pattern": "^[a-z]+$"}"#, #""abc\n""#)
                == [.init("", "pattern", "does not match pattern '^[a-z]+$'")])
    }

    @Test func patternEscapedDollarIsALiteral() throws {
        #expect(try violations(#"{"pattern": "^a\\$$"}"#, #""a$""#) == [])
    }

    @Test func patternDigitClassIsAsciiOnly() throws {
        #expect(try violations(#"{"pattern": "^\\d+$"}"#, #""123""#) == [])
        #expect(
            try violations(#"{"pattern": "^\\d+$"}"#, "\"\u{663}\"")
                == [.init("", "pattern", #"does not match pattern '^\d+$'"#)])
    }

    @Test func patternWordClassIsAsciiOnlyInsideACharacterClassToo() throws {
        #expect(try violations(#"{"pattern": "^[\\w-]+$"}"#, #""a_b-9""#) == [])
        #expect(
            try violations(#"{"pattern": "^[\\w-]+$"}"#, #""ä""#)
                == [.init("", "pattern", #"does not match pattern '^[\w-]+$'"#)])
    }

    @Test func patternOpenBracketInsideAClassIsALiteral() throws {
        #expect(try violations(#"{"pattern": "^[[a]+$"}"#, #""[a[""#) == [])
    }

    @Test func patternEmptyClassNeverMatchesAndNegatedEmptyClassMatchesAnything() throws {
        #expect(try violations(#"{"pattern": "^[^]$"}"#, #""\n""#) == [])
        #expect(
            try violations(#"{"pattern": "a[]"}"#, #""a""#) == [.init("", "pattern", "does not match pattern 'a[]'")])
    }

    @Test func patternSupportsUnicodePropertyEscapes() throws {
        #expect(try violations(#"{"pattern": "^\\p{L}+$"}"#, #""héllo""#) == [])
    }
}
