import MeerkatCore
import Testing

@Suite struct SchemaArrayTests {
    @Test func minItemsRejectsAShorterArray() throws {
        #expect(
            try violations(#"{"minItems": 2}"#, "[1]") == [.init("", "minItems", "expected at least 2 items, got 1")])
    }

    @Test func maxItemsRejectsALongerArray() throws {
        #expect(
            try violations(#"{"maxItems": 1}"#, "[1, 2]") == [.init("", "maxItems", "expected at most 1 item, got 2")])
    }

    @Test func itemCountBoundsAreInclusive() throws {
        #expect(try violations(#"{"minItems": 2, "maxItems": 2}"#, "[1, 2]") == [])
    }

    @Test func uniqueItemsRejectsEqualNumbersWrittenDifferently() throws {
        #expect(
            try violations(#"{"uniqueItems": true}"#, "[1, 2, 1.0]")
                == [.init("", "uniqueItems", "items 0 and 2 are equal, but items must be unique")])
    }

    @Test func uniqueItemsComparesObjectsIgnoringKeyOrder() throws {
        #expect(
            try violations(#"{"uniqueItems": true}"#, #"[{"a": 1, "b": 2}, {"b": 2, "a": 1}]"#)
                == [.init("", "uniqueItems", "items 0 and 1 are equal, but items must be unique")])
    }

    @Test func uniqueItemsAcceptsValuesOfDifferentTypes() throws {
        #expect(try violations(#"{"uniqueItems": true}"#, #"[1, "1", true, null, [1], {"1": 1}]"#) == [])
    }

    @Test func uniqueItemsFalseAllowsDuplicates() throws {
        #expect(try violations(#"{"uniqueItems": false}"#, "[1, 1]") == [])
    }

    @Test func itemsChecksEveryElementAtItsIndex() throws {
        #expect(
            try violations(#"{"items": {"type": "integer"}}"#, #"[1, "a", 2, true]"#)
                == [
                    .init("/1", "type", "expected integer, got string"),
                    .init("/3", "type", "expected integer, got boolean"),
                ])
    }

    @Test func arrayKeywordsIgnoreNonArrays() throws {
        #expect(try violations(#"{"items": false, "minItems": 3, "contains": false}"#, #"{"a": 1}"#) == [])
    }

    @Test func prefixItemsChecksPositionsAndAllowsShorterArrays() throws {
        let schema = #"{"prefixItems": [{"type": "string"}, {"type": "integer"}]}"#
        #expect(try violations(schema, #"["a"]"#) == [])
        #expect(try violations(schema, #"[1, 2, "extra"]"#) == [.init("/0", "type", "expected string, got integer")])
    }

    @Test func itemsAfterPrefixItemsAppliesOnlyToTheRest() throws {
        let schema = #"{"prefixItems": [{"type": "string"}], "items": {"type": "integer"}}"#
        #expect(try violations(schema, #"["a", 1, "b"]"#) == [.init("/2", "type", "expected integer, got string")])
    }

    @Test func itemsFalseAfterPrefixItemsLimitsTheLength() throws {
        let schema = #"{"prefixItems": [{}, {}], "items": false}"#
        #expect(try violations(schema, "[1, 2]") == [])
        #expect(
            try violations(schema, "[1, 2, 3]")
                == [.init("", "items", "expected at most 2 items, got 3 (items beyond prefixItems are not allowed)")])
    }

    @Test func containsAcceptsAnArrayWithAMatchingElement() throws {
        #expect(try violations(#"{"contains": {"type": "string"}}"#, #"[1, "a"]"#) == [])
    }

    @Test func containsRejectsAnArrayWithoutAMatchingElement() throws {
        #expect(
            try violations(#"{"contains": {"type": "string"}}"#, "[1, 2]")
                == [.init("", "contains", "expected at least 1 item to match contains, got 0")])
    }

    @Test func minContainsRequiresSeveralMatches() throws {
        #expect(
            try violations(#"{"contains": {"const": 1}, "minContains": 2}"#, "[1, 2]")
                == [.init("", "minContains", "expected at least 2 items to match contains, got 1")])
    }

    @Test func minContainsZeroAcceptsNoMatches() throws {
        #expect(try violations(#"{"contains": {"const": 1}, "minContains": 0}"#, "[]") == [])
    }

    @Test func maxContainsLimitsMatches() throws {
        #expect(
            try violations(#"{"contains": {"const": 1}, "maxContains": 1}"#, "[1, 2, 1]")
                == [.init("", "maxContains", "expected at most 1 item to match contains, got 2")])
    }
}
