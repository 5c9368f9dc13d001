import MeerkatCore
import Testing

@Suite struct JSONSchemaValidatorTests {
    /// The kind of input schema a model-facing tool declares.
    static let searchToolSchema = #"""
        {
          "type": "object",
          "description": "Search files in the workspace",
          "properties": {
            "path": {"type": "string", "minLength": 1, "description": "Directory to search"},
            "offset": {"type": "integer", "minimum": 0, "default": 0},
            "limit": {"type": "integer", "minimum": 1, "maximum": 2000},
            "mode": {"enum": ["text", "regex"]},
            "filters": {"type": "array", "maxItems": 5, "items": {"$ref": "#/$defs/filter"}}
          },
          "required": ["path"],
          "additionalProperties": false,
          "$defs": {
            "filter": {
              "type": "object",
              "properties": {
                "field": {"type": "string"},
                "op": {"enum": ["eq", "ne"]},
                "value": {"type": ["string", "number", "boolean"]}
              },
              "required": ["field", "op"],
              "additionalProperties": false
            }
          }
        }
        """#

    @Test func toolSchemaAcceptsWellFormedArguments() throws {
        let arguments = #"""
            {"path": "src", "offset": 0, "limit": 50, "mode": "regex",
             "filters": [{"field": "ext", "op": "eq", "value": "swift"}, {"field": "size", "op": "ne"}]}
            """#
        #expect(try violations(Self.searchToolSchema, arguments) == [])
    }

    @Test func toolSchemaReportsEveryProblemWithPathsInStableOrder() throws {
        let arguments = #"""
            {"offset": -1, "limit": 5000.5, "mode": "hex", "verbose": true,
             "filters": [{"field": "a", "op": "lt", "value": null}]}
            """#
        #expect(
            try violations(Self.searchToolSchema, arguments)
                == [
                    .init("", "required", "missing required property 'path'"),
                    .init("/filters/0/op", "enum", #"value "lt" is not one of ["eq","ne"]"#),
                    .init("/filters/0/value", "type", "expected string, number or boolean, got null"),
                    .init("/limit", "type", "expected integer, got number"),
                    .init("/limit", "maximum", "value 5000.5 is greater than maximum 2000"),
                    .init("/mode", "enum", #"value "hex" is not one of ["text","regex"]"#),
                    .init("/offset", "minimum", "value -1 is less than minimum 0"),
                    .init("", "additionalProperties", "additional property 'verbose' is not allowed"),
                ])
    }

    @Test func violationDescriptionsNameTheRootOrThePointer() throws {
        let result = try violations(Self.searchToolSchema, #"{"path": "", "filters": [{"op": "eq"}]}"#)
        #expect(
            result.map(\.description) == [
                "/filters/0: missing required property 'field'",
                "/path: expected at least 1 character, got 0",
            ])
        #expect(
            JSONSchemaViolation("", "required", "missing required property 'x'").description
                == "(root): missing required property 'x'")
    }

    @Test func isValidAgreesWithValidate() throws {
        let validator = try JSONSchemaValidator(schema: json(Self.searchToolSchema))
        #expect(validator.isValid(json(#"{"path": "a"}"#)))
        #expect(!validator.isValid(json(#"{"path": "a", "limit": 0}"#)))
        #expect(!validator.isValid(json("[]")))
    }

    @Test func isValidHandlesNegationOfAFailingSchema() throws {
        let validator = try JSONSchemaValidator(schema: json(#"{"not": {"required": ["a"]}, "required": ["b"]}"#))
        #expect(validator.isValid(json(#"{"b": 1}"#)))
        #expect(!validator.isValid(json(#"{"a": 1, "b": 1}"#)))
    }

    @Test func validatorKeepsTheSchemaItWasGiven() throws {
        let schema = json(Self.searchToolSchema)
        #expect(try JSONSchemaValidator(schema: schema).schema == schema)
    }

    @Test func oneValidatorGivesTheSameResultsFromManyTasksAtOnce() async throws {
        let validator = try JSONSchemaValidator(schema: json(Self.searchToolSchema))
        let bad = json(#"{"path": "x", "mode": "hex", "filters": [{"field": "a", "op": "lt"}]}"#)
        let expected = validator.validate(bad)
        let results = await withTaskGroup(of: [JSONSchemaViolation].self) { group in
            for _ in 0..<16 { group.addTask { validator.validate(bad) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 16)
        #expect(results.allSatisfy { $0 == expected })
        #expect(expected.count == 2)
    }
}
