import MeerkatCore
import Testing

@Suite struct SchemaRefTests {
    @Test func refToDefsAppliesTheDefinition() throws {
        let schema = ##"{"$defs": {"id": {"type": "string"}}, "properties": {"a": {"$ref": "#/$defs/id"}}}"##
        #expect(try violations(schema, #"{"a": "x"}"#) == [])
        #expect(try violations(schema, #"{"a": 1}"#) == [.init("/a", "type", "expected string, got integer")])
    }

    @Test func refToLegacyDefinitionsAppliesTheDefinition() throws {
        let schema = ##"{"definitions": {"n": {"minimum": 1}}, "items": {"$ref": "#/definitions/n"}}"##
        #expect(try violations(schema, "[1, 0]") == [.init("/1", "minimum", "value 0 is less than minimum 1")])
    }

    @Test func refToRootValidatesRecursively() throws {
        let schema = ##"{"type": "array", "items": {"$ref": "#"}}"##
        #expect(try violations(schema, "[[], [[]]]") == [])
        #expect(try violations(schema, "[[], [[1]]]") == [.init("/1/0/0", "type", "expected array, got integer")])
    }

    @Test func refUnescapesJSONPointerTokens() throws {
        let schema = #"""
            {"$defs": {"a/b": {"type": "string"}, "m~n": {"type": "integer"}},
             "prefixItems": [{"$ref": "#/$defs/a~1b"}, {"$ref": "#/$defs/m~0n"}]}
            """#
        #expect(try violations(schema, #"["x", 1]"#) == [])
        #expect(
            try violations(schema, #"[1, "x"]"#)
                == [
                    .init("/0", "type", "expected string, got integer"),
                    .init("/1", "type", "expected integer, got string"),
                ])
    }

    @Test func refDecodesPercentEncoding() throws {
        let schema = ##"{"$defs": {"with space": {"type": "null"}}, "$ref": "#/$defs/with%20space"}"##
        #expect(try violations(schema, "1") == [.init("", "type", "expected null, got integer")])
    }

    @Test func refMayPointAnywhereInTheDocument() throws {
        let schema = ##"{"properties": {"a": {"type": "string"}, "b": {"$ref": "#/properties/a"}}}"##
        #expect(try violations(schema, #"{"b": 2}"#) == [.init("/b", "type", "expected string, got integer")])
    }

    @Test func refMayPointIntoAnArrayByIndex() throws {
        let schema = ##"{"prefixItems": [{"type": "string"}], "items": {"$ref": "#/prefixItems/0"}}"##
        #expect(try violations(schema, #"["a", 3]"#) == [.init("/1", "type", "expected string, got integer")])
    }

    @Test func refToAnAnchorResolves() throws {
        let schema = ##"{"$defs": {"leaf": {"$anchor": "leaf", "type": "boolean"}}, "items": {"$ref": "#leaf"}}"##
        #expect(try violations(schema, "[true, 0]") == [.init("/1", "type", "expected boolean, got integer")])
    }

    @Test func refThroughTheRootIdResolves() throws {
        let schema = #"""
            {"$id": "https://example.com/s.json", "$defs": {"x": {"type": "string"}},
             "$ref": "https://example.com/s.json#/$defs/x"}
            """#
        #expect(try violations(schema, "1") == [.init("", "type", "expected string, got integer")])
    }

    @Test func refSiblingKeywordsAlsoApply() throws {
        let schema = ##"{"$defs": {"s": {"type": "string"}}, "$ref": "#/$defs/s", "maxLength": 2}"##
        #expect(try violations(schema, #""abc""#) == [.init("", "maxLength", "expected at most 2 characters, got 3")])
        #expect(try violations(schema, "5") == [.init("", "type", "expected string, got integer")])
    }

    @Test func recursiveTreeSchemaReportsDeepViolationsWithFullPaths() throws {
        let schema = #"""
            {"$ref": "#/$defs/node",
             "$defs": {"node": {"type": "object", "required": ["value"], "additionalProperties": false,
                                "properties": {"value": {"type": "integer"},
                                               "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}}}
            """#
        let tree = #"""
            {"value": 1, "children": [
              {"value": 2, "children": [{"value": 3}, {"value": "four", "extra": true}]},
              {"children": []}
            ]}
            """#
        #expect(
            try violations(schema, tree)
                == [
                    .init(
                        "/children/0/children/1", "additionalProperties", "additional property 'extra' is not allowed"),
                    .init("/children/0/children/1/value", "type", "expected integer, got string"),
                    .init("/children/1", "required", "missing required property 'value'"),
                ])
    }

    @Test func deepRecursionThatConsumesInputIsNotCapped() throws {
        var instance = JSONValue.array([])
        for _ in 0..<200 { instance = .array([instance]) }
        let validator = try JSONSchemaValidator(schema: json(##"{"type": "array", "items": {"$ref": "#"}}"##))
        #expect(validator.validate(instance) == [])
    }

    @Test func selfReferenceWithoutInputIsReportedInsteadOfLooping() throws {
        #expect(
            try violations(##"{"$ref": "#"}"##, "1")
                == [
                    .init(
                        "", "$ref",
                        "$ref '#' at '#' leads back to '#' without descending into the value (reference cycle)")
                ])
    }

    @Test func mutualReferenceCycleIsReportedAtTheClosingRef() throws {
        let schema = ##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}"##
        #expect(
            try violations(schema, #"{"x": 1}"#)
                == [
                    .init(
                        "", "$ref",
                        "$ref '#/$defs/a' at '#/$defs/b' leads back to '#/$defs/a' "
                            + "without descending into the value (reference cycle)")
                ])
    }

    @Test func branchingReferenceCycleTerminatesAndFails() throws {
        let validator = try JSONSchemaValidator(schema: json(##"{"anyOf": [{"$ref": "#"}, {"$ref": "#"}]}"##))
        let result = validator.validate(1)
        #expect(result.map(\.keyword) == ["anyOf"])
        #expect(!validator.isValid(1))
    }

    @Test func referenceChainLongerThanTheCapIsReported() throws {
        // d0 → d1 → … → d69: no cycle, but more than 64 refs without consuming input.
        var defs: [String: JSONValue] = [:]
        for index in 0..<69 { defs["d\(index)"] = ["$ref": .string("#/$defs/d\(index + 1)")] }
        defs["d69"] = ["type": "string"]
        let validator = try JSONSchemaValidator(schema: ["$defs": .object(defs), "$ref": "#/$defs/d0"])
        #expect(
            validator.validate("s")
                == [
                    .init(
                        "", "$ref",
                        "$ref '#/$defs/d64' at '#/$defs/d63' exceeds 64 nested references "
                            + "without descending into the value")
                ])
    }
}
