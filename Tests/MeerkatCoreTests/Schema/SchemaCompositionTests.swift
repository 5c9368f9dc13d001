import MeerkatCore
import Testing

@Suite struct SchemaCompositionTests {
    static let ifThenElse = #"""
        {"if": {"properties": {"kind": {"const": "a"}}}, "then": {"required": ["x"]}, "else": {"required": ["y"]}}
        """#

    @Test func allOfReportsTheViolationsOfEveryFailingPart() throws {
        #expect(
            try violations(#"{"allOf": [{"minimum": 2}, {"multipleOf": 2}, {"type": "integer"}]}"#, "1")
                == [
                    .init("", "minimum", "value 1 is less than minimum 2"),
                    .init("", "multipleOf", "value 1 is not a multiple of 2"),
                ])
    }

    @Test func anyOfAcceptsAValueMatchingOneOption() throws {
        #expect(try violations(#"{"anyOf": [{"type": "string"}, {"type": "null"}]}"#, "null") == [])
    }

    @Test func anyOfRejectsWithTheFirstProblemOfEachOption() throws {
        #expect(
            try violations(#"{"anyOf": [{"type": "string"}, {"type": "null"}]}"#, "3")
                == [
                    .init(
                        "", "anyOf",
                        "must match at least one schema in anyOf (schema 0: expected string, got integer; "
                            + "schema 1: expected null, got integer)")
                ])
    }

    @Test func anyOfExplanationsNameNestedPaths() throws {
        let schema = #"{"anyOf": [{"required": ["a"]}, {"properties": {"b": {"type": "string"}}}]}"#
        #expect(
            try violations(schema, #"{"b": 1}"#)
                == [
                    .init(
                        "", "anyOf",
                        "must match at least one schema in anyOf (schema 0: missing required property 'a'; "
                            + "schema 1: at /b: expected string, got integer)")
                ])
    }

    @Test func oneOfAcceptsAValueMatchingExactlyOneOption() throws {
        #expect(try violations(#"{"oneOf": [{"type": "integer"}, {"type": "string"}]}"#, "1") == [])
    }

    @Test func oneOfRejectsAValueMatchingTwoOptions() throws {
        #expect(
            try violations(#"{"oneOf": [{"type": "integer"}, {"minimum": 0}]}"#, "1")
                == [.init("", "oneOf", "must match exactly one schema in oneOf (matched 2)")])
    }

    @Test func oneOfRejectsAValueMatchingNoOptionExplainingEach() throws {
        #expect(
            try violations(#"{"oneOf": [{"type": "integer"}, {"type": "string"}]}"#, "true")
                == [
                    .init(
                        "", "oneOf",
                        "must match exactly one schema in oneOf (matched 0; schema 0: expected integer, got boolean; "
                            + "schema 1: expected string, got boolean)")
                ])
    }

    @Test func notRejectsAMatchingValue() throws {
        #expect(
            try violations(#"{"not": {"type": "null"}}"#, "null") == [
                .init("", "not", "must not match the schema in not")
            ])
    }

    @Test func notAcceptsANonMatchingValue() throws {
        #expect(try violations(#"{"not": {"type": "null"}}"#, "0") == [])
    }

    @Test func thenAppliesWhenIfMatches() throws {
        let schema = Self.ifThenElse
        #expect(try violations(schema, #"{"kind": "a"}"#) == [.init("", "required", "missing required property 'x'")])
    }

    @Test func elseAppliesWhenIfDoesNotMatch() throws {
        let schema = Self.ifThenElse
        #expect(try violations(schema, #"{"kind": "b"}"#) == [.init("", "required", "missing required property 'y'")])
    }

    @Test func ifWithoutThenOrElseNeverFails() throws {
        #expect(try violations(#"{"if": {"type": "string"}}"#, "3") == [])
    }

    @Test func violationsInsideCompositionKeepTheirInstancePaths() throws {
        let schema = #"{"properties": {"a": {"allOf": [{"items": {"type": "string"}}]}}}"#
        #expect(try violations(schema, #"{"a": ["x", 2]}"#) == [.init("/a/1", "type", "expected string, got integer")])
    }

    @Test func oneOfDiscriminatedUnionPointsAtTheMismatchedField() throws {
        let schema = #"""
            {"oneOf": [
              {"properties": {"kind": {"const": "circle"}, "r": {"type": "number"}}, "required": ["kind", "r"]},
              {"properties": {"kind": {"const": "square"}, "side": {"type": "number"}}, "required": ["kind", "side"]}
            ]}
            """#
        #expect(try violations(schema, #"{"kind": "square", "side": 2}"#) == [])
        #expect(
            try violations(schema, #"{"kind": "square"}"#)
                == [
                    .init(
                        "", "oneOf",
                        "must match exactly one schema in oneOf (matched 0; schema 0: missing required property 'r'; "
                            + "schema 1: missing required property 'side')")
                ])
    }
}

@Suite struct SchemaBooleanTests {
    @Test func trueSchemaAcceptsEverything() throws {
        for instance in ["null", "1", "[]", "{}"] {
            #expect(try violations("true", instance) == [])
        }
    }

    @Test func falseSchemaRejectsEverything() throws {
        #expect(try violations("false", "{}") == [.init("", "false", "no value is allowed here (the schema is false)")])
    }

    @Test func falsePropertySchemaForbidsThatProperty() throws {
        #expect(
            try violations(#"{"properties": {"x": false, "y": true}}"#, #"{"x": 1, "y": 2}"#)
                == [.init("/x", "false", "no value is allowed here (the schema is false)")])
    }

    @Test func booleanSchemasWorkInsideApplicators() throws {
        #expect(try violations(#"{"anyOf": [false, true]}"#, "1") == [])
        #expect(try violations(#"{"not": false}"#, "1") == [])
        #expect(try violations(#"{"not": true}"#, "1") == [.init("", "not", "must not match the schema in not")])
    }
}
