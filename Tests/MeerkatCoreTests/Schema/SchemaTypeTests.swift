import MeerkatCore
import Testing

@Suite struct SchemaTypeTests {
    @Test func typeStringAcceptsAString() throws {
        #expect(try violations(#"{"type": "string"}"#, #""hello""#) == [])
    }

    @Test func typeStringRejectsAnIntegerNamingBothTypes() throws {
        #expect(try violations(#"{"type": "string"}"#, "3") == [.init("", "type", "expected string, got integer")])
    }

    @Test func integerAcceptsAWholeNumberWrittenWithAFraction() throws {
        #expect(try violations(#"{"type": "integer"}"#, "1.0") == [])
    }

    @Test func integerRejectsAFractionalNumber() throws {
        #expect(try violations(#"{"type": "integer"}"#, "1.5") == [.init("", "type", "expected integer, got number")])
    }

    @Test func numberAcceptsIntegersAndFractions() throws {
        #expect(try violations(#"{"type": "number"}"#, "2") == [])
        #expect(try violations(#"{"type": "number"}"#, "2.5") == [])
    }

    @Test func numberRejectsANumericString() throws {
        #expect(try violations(#"{"type": "number"}"#, #""2""#) == [.init("", "type", "expected number, got string")])
    }

    @Test(arguments: [
        ("null", "null"), ("boolean", "false"), ("object", "{}"), ("array", "[]"), ("string", #""""#),
    ])
    func eachTypeNameAcceptsItsOwnKindOfValue(type: String, instance: String) throws {
        #expect(try violations(#"{"type": "\#(type)"}"#, instance) == [])
    }

    @Test(arguments: [
        ("null", "0", "integer"), ("boolean", "null", "null"), ("object", "[]", "array"), ("array", "{}", "object"),
        ("string", "true", "boolean"),
    ])
    func eachTypeNameRejectsOtherKindsOfValue(type: String, instance: String, actual: String) throws {
        #expect(
            try violations(#"{"type": "\#(type)"}"#, instance) == [.init("", "type", "expected \(type), got \(actual)")]
        )
    }

    @Test func typeListAcceptsAnyListedType() throws {
        #expect(try violations(#"{"type": ["string", "null"]}"#, "null") == [])
        #expect(try violations(#"{"type": ["string", "null"]}"#, #""x""#) == [])
    }

    @Test func typeListOfTwoRejectsWithBothAlternatives() throws {
        #expect(
            try violations(#"{"type": ["string", "null"]}"#, "3")
                == [.init("", "type", "expected string or null, got integer")])
    }

    @Test func typeListOfThreeRejectsWithAllAlternatives() throws {
        #expect(
            try violations(#"{"type": ["string", "number", "null"]}"#, "true")
                == [.init("", "type", "expected string, number or null, got boolean")])
    }

    @Test func emptySchemaAcceptsEverything() throws {
        for instance in ["null", "1", #""s""#, "[1]", #"{"a": 1}"#] {
            #expect(try violations("{}", instance) == [])
        }
    }

    @Test func annotationKeywordsAreIgnored() throws {
        let schema = #"{"title": "T", "description": "d", "default": 3, "format": "email", "examples": [1], "x-y": 1}"#
        #expect(try violations(schema, #""not an email""#) == [])
    }
}

@Suite struct SchemaEnumAndConstTests {
    @Test func enumAcceptsAListedValue() throws {
        #expect(try violations(#"{"enum": ["red", "green"]}"#, #""green""#) == [])
    }

    @Test func enumRejectsAnUnlistedValueShowingTheAllowedValues() throws {
        #expect(
            try violations(#"{"enum": ["red", "green"]}"#, #""blue""#)
                == [.init("", "enum", #"value "blue" is not one of ["red","green"]"#)])
    }

    @Test func enumComparesNumbersByValue() throws {
        #expect(try violations(#"{"enum": [1, 2]}"#, "1.0") == [])
    }

    @Test func enumMatchesObjectsRegardlessOfKeyOrder() throws {
        #expect(try violations(#"{"enum": [{"a": 1, "b": [true]}]}"#, #"{"b": [true], "a": 1}"#) == [])
    }

    @Test func enumDistinguishesAStringFromANumber() throws {
        #expect(try violations(#"{"enum": [1]}"#, #""1""#) == [.init("", "enum", #"value "1" is not one of [1]"#)])
    }

    @Test func constAcceptsAnEqualNumberWrittenDifferently() throws {
        #expect(try violations(#"{"const": 1}"#, "1.0") == [])
    }

    @Test func constRejectsADifferentValue() throws {
        #expect(try violations(#"{"const": 4}"#, "3") == [.init("", "const", "value 3 is not equal to const 4")])
    }

    @Test func constNullAcceptsOnlyNull() throws {
        #expect(try violations(#"{"const": null}"#, "null") == [])
        #expect(try violations(#"{"const": null}"#, "0") == [.init("", "const", "value 0 is not equal to const null")])
    }

    @Test func constComparesArraysElementByElement() throws {
        #expect(try violations(#"{"const": [1, "a"]}"#, #"[1.0, "a"]"#) == [])
        #expect(
            try violations(#"{"const": [1, "a"]}"#, #"["a", 1]"#)
                == [.init("", "const", #"value ["a",1] is not equal to const [1,"a"]"#)])
    }
}
