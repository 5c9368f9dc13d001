import MeerkatCore
import Testing

@Suite struct SchemaNumberTests {
    @Test func minimumIsInclusive() throws {
        #expect(try violations(#"{"minimum": 5}"#, "5") == [])
    }

    @Test func minimumRejectsASmallerValue() throws {
        #expect(try violations(#"{"minimum": 5}"#, "4") == [.init("", "minimum", "value 4 is less than minimum 5")])
    }

    @Test func maximumIsInclusive() throws {
        #expect(try violations(#"{"maximum": 5}"#, "5") == [])
    }

    @Test func maximumRejectsALargerValue() throws {
        #expect(try violations(#"{"maximum": 5}"#, "7") == [.init("", "maximum", "value 7 is greater than maximum 5")])
    }

    @Test func exclusiveMinimumRejectsTheBoundItself() throws {
        #expect(
            try violations(#"{"exclusiveMinimum": 5}"#, "5")
                == [.init("", "exclusiveMinimum", "value 5 is not greater than exclusive minimum 5")])
    }

    @Test func exclusiveMinimumAcceptsAValueJustAbove() throws {
        #expect(try violations(#"{"exclusiveMinimum": 5}"#, "5.5") == [])
    }

    @Test func exclusiveMaximumRejectsTheBoundItself() throws {
        #expect(
            try violations(#"{"exclusiveMaximum": 5}"#, "5")
                == [.init("", "exclusiveMaximum", "value 5 is not less than exclusive maximum 5")])
    }

    @Test func exclusiveMaximumAcceptsAValueJustBelow() throws {
        #expect(try violations(#"{"exclusiveMaximum": 5}"#, "4.99") == [])
    }

    @Test func messagesShowFractionalValuesAndBounds() throws {
        #expect(
            try violations(#"{"minimum": 0.5}"#, "-2.25")
                == [.init("", "minimum", "value -2.25 is less than minimum 0.5")])
    }

    @Test func numberKeywordsIgnoreNonNumbers() throws {
        #expect(try violations(#"{"minimum": 5, "maximum": 1, "multipleOf": 3}"#, #""abc""#) == [])
    }

    @Test func integerTypeAndBoundsAreReportedTogether() throws {
        #expect(
            try violations(#"{"type": "integer", "minimum": 3}"#, "2.5")
                == [
                    .init("", "type", "expected integer, got number"),
                    .init("", "minimum", "value 2.5 is less than minimum 3"),
                ])
    }

    @Test func multipleOfAcceptsAnExactMultiple() throws {
        #expect(try violations(#"{"multipleOf": 3}"#, "12") == [])
    }

    @Test func multipleOfRejectsANonMultiple() throws {
        #expect(
            try violations(#"{"multipleOf": 2}"#, "7") == [.init("", "multipleOf", "value 7 is not a multiple of 2")])
    }

    @Test func multipleOfToleratesBinaryRoundingOfDecimals() throws {
        #expect(try violations(#"{"multipleOf": 0.1}"#, "0.3") == [])
        #expect(try violations(#"{"multipleOf": 0.01}"#, "19.99") == [])
    }

    @Test func multipleOfRejectsADecimalThatIsNotAMultiple() throws {
        #expect(
            try violations(#"{"multipleOf": 0.1}"#, "0.35")
                == [.init("", "multipleOf", "value 0.35 is not a multiple of 0.1")])
    }
}
