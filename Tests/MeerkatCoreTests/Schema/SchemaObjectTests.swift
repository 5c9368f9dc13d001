import MeerkatCore
import Testing

@Suite struct SchemaObjectTests {
    @Test func requiredAcceptsAnObjectWithTheProperty() throws {
        #expect(try violations(#"{"required": ["name"]}"#, #"{"name": null}"#) == [])
    }

    @Test func requiredReportsEachMissingPropertyAtTheObject() throws {
        #expect(
            try violations(#"{"required": ["name", "age"]}"#, "{}")
                == [
                    .init("", "required", "missing required property 'name'"),
                    .init("", "required", "missing required property 'age'"),
                ])
    }

    @Test func propertiesChecksMembersAtTheirPaths() throws {
        let schema = #"{"properties": {"user": {"properties": {"age": {"type": "integer"}}, "required": ["id"]}}}"#
        #expect(
            try violations(schema, #"{"user": {"age": "old"}}"#)
                == [
                    .init("/user", "required", "missing required property 'id'"),
                    .init("/user/age", "type", "expected integer, got string"),
                ])
    }

    @Test func propertiesIgnoresAbsentMembers() throws {
        #expect(try violations(#"{"properties": {"a": {"type": "string"}}}"#, "{}") == [])
    }

    @Test func pathsEscapeSlashAndTildeInMemberNames() throws {
        let schema = #"{"additionalProperties": {"type": "string"}}"#
        #expect(
            try violations(schema, #"{"a/b": 1, "m~n": 2}"#)
                == [
                    .init("/a~1b", "type", "expected string, got integer"),
                    .init("/m~0n", "type", "expected string, got integer"),
                ])
    }

    @Test func membersAreReportedInNameOrder() throws {
        #expect(
            try violations(#"{"additionalProperties": false}"#, #"{"zeta": 1, "alpha": 2, "mid": 3}"#)
                == [
                    .init("", "additionalProperties", "additional property 'alpha' is not allowed"),
                    .init("", "additionalProperties", "additional property 'mid' is not allowed"),
                    .init("", "additionalProperties", "additional property 'zeta' is not allowed"),
                ])
    }

    @Test func additionalPropertiesFalseAllowsDeclaredProperties() throws {
        #expect(try violations(#"{"properties": {"a": {}}, "additionalProperties": false}"#, #"{"a": 1}"#) == [])
    }

    @Test func additionalPropertiesFalseRejectsUndeclaredProperties() throws {
        #expect(
            try violations(#"{"properties": {"a": {}}, "additionalProperties": false}"#, #"{"a": 1, "x": 2}"#)
                == [.init("", "additionalProperties", "additional property 'x' is not allowed")])
    }

    @Test func additionalPropertiesSchemaChecksUndeclaredProperties() throws {
        let schema = #"{"properties": {"a": {}}, "additionalProperties": {"type": "string"}}"#
        #expect(try violations(schema, #"{"a": 1, "x": 2}"#) == [.init("/x", "type", "expected string, got integer")])
    }

    @Test func patternPropertiesChecksMatchingNames() throws {
        let schema = #"{"patternProperties": {"^S_": {"type": "string"}}}"#
        #expect(
            try violations(schema, #"{"S_a": 1, "other": 2}"#) == [
                .init("/S_a", "type", "expected string, got integer")
            ])
    }

    @Test func patternPropertiesNamesAreNotAdditional() throws {
        let schema = #"{"patternProperties": {"^x-": {}}, "additionalProperties": false}"#
        #expect(
            try violations(schema, #"{"x-trace": 1, "y": 2}"#)
                == [.init("", "additionalProperties", "additional property 'y' is not allowed")])
    }

    @Test func propertyNamesChecksEachNameAsAString() throws {
        #expect(
            try violations(#"{"propertyNames": {"pattern": "^[a-z]+$"}}"#, #"{"ok": 1, "Bad": 2}"#)
                == [
                    .init("", "propertyNames", "property name 'Bad' is invalid: does not match pattern '^[a-z]+$'")
                ])
    }

    @Test func minPropertiesRejectsTooFewMembers() throws {
        #expect(
            try violations(#"{"minProperties": 1}"#, "{}")
                == [.init("", "minProperties", "expected at least 1 property, got 0")])
    }

    @Test func maxPropertiesRejectsTooManyMembers() throws {
        #expect(
            try violations(#"{"maxProperties": 1}"#, #"{"a": 1, "b": 2}"#)
                == [.init("", "maxProperties", "expected at most 1 property, got 2")])
    }

    @Test func dependentRequiredAppliesOnlyWhenTheTriggerIsPresent() throws {
        let schema = #"{"dependentRequired": {"card": ["billing"]}}"#
        #expect(try violations(schema, #"{"name": "x"}"#) == [])
        #expect(
            try violations(schema, #"{"card": 1}"#)
                == [.init("", "dependentRequired", "property 'billing' is required when 'card' is present")])
    }

    @Test func dependentSchemasAppliesToTheWholeObjectWhenTheTriggerIsPresent() throws {
        let schema = #"{"dependentSchemas": {"card": {"required": ["billing"]}}}"#
        #expect(try violations(schema, "{}") == [])
        #expect(
            try violations(schema, #"{"card": 1}"#) == [.init("", "required", "missing required property 'billing'")])
    }

    @Test func objectKeywordsIgnoreNonObjects() throws {
        #expect(try violations(#"{"required": ["a"], "additionalProperties": false, "minProperties": 2}"#, "[1]") == [])
    }
}
