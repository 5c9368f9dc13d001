import MeerkatCore
import Testing

@Suite struct SchemaRejectionTests {
    @Test(arguments: [("[]", "array"), (#""string""#, "string"), ("3", "integer"), ("null", "null")])
    func rootThatIsNeitherObjectNorBooleanIsRejected(schema: String, type: String) {
        #expect(rejection(schema) == "schema must be a JSON object or boolean, got \(type)")
    }

    @Test func booleanRootsAreAccepted() {
        #expect(rejection("true") == nil)
        #expect(rejection("false") == nil)
    }

    @Test func unresolvedRefIsRejectedNamingItsLocation() {
        #expect(
            rejection(##"{"properties": {"a": {"$ref": "#/$defs/missing"}}}"##)
                == "invalid schema at '#/properties/a': $ref '#/$defs/missing' does not resolve: "
                + "nothing at '#/$defs/missing'")
    }

    @Test func unresolvedRefInAnUnusedDefinitionIsStillRejected() {
        #expect(
            rejection(##"{"$defs": {"unused": {"$ref": "#/$defs/nope"}}}"##)
                == "invalid schema at '#/$defs/unused': $ref '#/$defs/nope' does not resolve: nothing at '#/$defs/nope'"
        )
    }

    @Test func refToAnotherDocumentIsRejected() {
        #expect(
            rejection(#"{"$ref": "other.json#/a"}"#)
                == "invalid schema at '#': $ref 'other.json#/a' is not supported: "
                + "only references within this schema ('#...') can be resolved")
    }

    @Test func refToAnUnknownAnchorIsRejected() {
        #expect(
            rejection(##"{"$ref": "#nowhere"}"##)
                == "invalid schema at '#': $ref '#nowhere' does not resolve: no $anchor 'nowhere'")
    }

    @Test func refWithABadPointerEscapeIsRejected() {
        #expect(
            rejection(##"{"$ref": "#/$defs/a~2"}"##)
                == "invalid schema at '#': $ref '#/$defs/a~2' is not a valid JSON Pointer "
                + "('~' must be followed by '0' or '1')"
        )
    }

    @Test func refToAValueThatIsNotASchemaIsRejected() {
        #expect(
            rejection(##"{"required": ["a"], "$ref": "#/required"}"##)
                == "invalid schema at '#': $ref '#/required' points to an array, not a schema")
    }

    @Test func refThatIsNotAStringIsRejected() {
        #expect(rejection(#"{"$ref": 1}"#) == "invalid schema at '#': '$ref' must be a string, got integer")
    }

    @Test func requiredThatIsAStringIsRejected() {
        #expect(
            rejection(#"{"required": "x"}"#)
                == "invalid schema at '#': 'required' must be an array of strings, got string")
    }

    @Test func requiredWithANonStringElementIsRejected() {
        #expect(
            rejection(#"{"required": ["a", 2]}"#)
                == "invalid schema at '#': 'required' must be an array of strings, but element 1 is integer")
    }

    @Test func numericKeywordWithAStringValueIsRejectedAtItsLocation() {
        #expect(
            rejection(#"{"properties": {"age": {"minimum": "3"}}}"#)
                == "invalid schema at '#/properties/age': 'minimum' must be a number, got string")
    }

    @Test func draft4BooleanExclusiveMinimumIsRejected() {
        #expect(
            rejection(#"{"minimum": 1, "exclusiveMinimum": true}"#)
                == "invalid schema at '#': 'exclusiveMinimum' must be a number, got boolean")
    }

    @Test func multipleOfZeroIsRejected() {
        #expect(rejection(#"{"multipleOf": 0}"#) == "invalid schema at '#': 'multipleOf' must be greater than 0, got 0")
    }

    @Test func negativeOrFractionalLengthIsRejected() {
        #expect(
            rejection(#"{"minLength": -1}"#)
                == "invalid schema at '#': 'minLength' must be a non-negative integer, got -1")
        #expect(
            rejection(#"{"maxItems": 1.5}"#)
                == "invalid schema at '#': 'maxItems' must be a non-negative integer, got 1.5")
    }

    @Test func countWrittenWithAZeroFractionIsAccepted() {
        #expect(rejection(#"{"maxItems": 2.0}"#) == nil)
    }

    @Test func invalidPatternIsRejected() {
        #expect(
            rejection(#"{"pattern": "(("}"#)
                == "invalid schema at '#': 'pattern' is not a valid regular expression: '(('")
    }

    @Test func invalidPatternPropertiesKeyIsRejected() {
        #expect(
            rejection(#"{"patternProperties": {"[a-": {}}}"#)
                == "invalid schema at '#': 'patternProperties' key is not a valid regular expression: '[a-'")
    }

    @Test func unknownTypeNameIsRejected() {
        #expect(
            rejection(#"{"type": "strnig"}"#)
                == "invalid schema at '#': 'type' has unknown type \"strnig\" "
                + "(expected one of null, boolean, object, array, number, string, integer)")
    }

    @Test func typeThatIsNotANameOrListIsRejected() {
        #expect(
            rejection(#"{"type": 5}"#)
                == "invalid schema at '#': 'type' must be a type name or a non-empty array of type names, got integer")
        #expect(
            rejection(#"{"type": []}"#)
                == "invalid schema at '#': 'type' must be a type name or a non-empty array of type names, got array")
    }

    @Test func propertiesThatIsNotAnObjectIsRejected() {
        #expect(rejection(#"{"properties": []}"#) == "invalid schema at '#': 'properties' must be an object, got array")
    }

    @Test func subschemaThatIsNotAnObjectOrBooleanIsRejectedAtItsLocation() {
        #expect(
            rejection(#"{"properties": {"a": {"items": 5}}}"#)
                == "invalid schema at '#/properties/a/items': a schema must be an object or boolean, got integer")
    }

    @Test func emptyAnyOfIsRejected() {
        #expect(rejection(#"{"anyOf": []}"#) == "invalid schema at '#': 'anyOf' must not be empty")
    }

    @Test func oneOfThatIsNotAnArrayIsRejected() {
        #expect(
            rejection(#"{"oneOf": {}}"#) == "invalid schema at '#': 'oneOf' must be an array of schemas, got object")
    }

    @Test func tupleFormItemsIsRejectedPointingToPrefixItems() {
        #expect(
            rejection(#"{"items": [{}, {}]}"#)
                == "invalid schema at '#': 'items' must be a schema (object or boolean), got array; "
                + "use 'prefixItems' for tuple validation")
    }

    @Test func enumThatIsNotAnArrayIsRejected() {
        #expect(rejection(#"{"enum": "a"}"#) == "invalid schema at '#': 'enum' must be an array, got string")
    }

    @Test func uniqueItemsThatIsNotABooleanIsRejected() {
        #expect(
            rejection(#"{"uniqueItems": "yes"}"#)
                == "invalid schema at '#': 'uniqueItems' must be a boolean, got string")
    }

    @Test func dependentRequiredWithANonArrayIsRejected() {
        #expect(
            rejection(#"{"dependentRequired": {"a": "b"}}"#)
                == "invalid schema at '#': 'dependentRequired' entry 'a' must be an array of strings, got string")
    }

    @Test func badKeywordInsideDefsIsRejectedAtItsLocation() {
        #expect(
            rejection(#"{"$defs": {"x": {"maxLength": "5"}}}"#)
                == "invalid schema at '#/$defs/x': 'maxLength' must be a non-negative integer, got \"5\"")
    }

    @Test func errorDescriptionIsTheMessage() {
        let error = JSONSchemaError("boom")
        #expect(error.description == "boom")
    }
}
