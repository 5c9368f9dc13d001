import Testing

@testable import MeerkatCore

/// `JSONSchemaValidator.shared(schema:)` compiles each distinct schema once per process and answers exactly as a
/// freshly compiled validator does.
@Suite struct SharedValidatorTests {
    private let schema: JSONValue = [
        "type": "object", "required": ["path"],
        "properties": ["path": ["type": "string", "minLength": 1], "limit": ["type": "integer", "minimum": 1]],
    ]

    @Test func aSharedValidatorAnswersAsAFreshOne() throws {
        let fresh = try JSONSchemaValidator(schema: schema)
        let shared = try JSONSchemaValidator.shared(schema: schema)
        let again = try JSONSchemaValidator.shared(schema: schema)
        for instance: JSONValue in [["path": "a"], ["path": ""], ["limit": 0], ["path": "b", "limit": 3], "x"] {
            #expect(shared.validate(instance) == fresh.validate(instance))
            #expect(again.validate(instance) == fresh.validate(instance))
        }
        #expect(shared.schema == schema)
        // Another schema is another validator.
        let other = try JSONSchemaValidator.shared(schema: ["type": "string"])
        #expect(other.validate("text").isEmpty)
        #expect(!other.validate(["path": "a"]).isEmpty)
    }

    @Test func anUnusableSchemaFailsTheSameWayEveryTime() {
        let broken: JSONValue = ["type": "object", "properties": ["a": ["$ref": "#/definitions/missing"]]]
        var errors: [JSONSchemaError] = []
        for _ in 0..<2 {
            do {
                _ = try JSONSchemaValidator.shared(schema: broken)
                Issue.record("an unresolvable $ref must not compile")
            } catch {
                errors.append(error)
            }
        }
        #expect(errors.count == 2 && errors[0] == errors[1])
        #expect(throws: JSONSchemaError.self) { try JSONSchemaValidator(schema: broken) }
    }

    @Test func theCacheIsBounded() throws {
        for index in 0..<(JSONSchemaValidator.compiledLimit + 10) {
            _ = try JSONSchemaValidator.shared(schema: ["type": "string", "maxLength": .number(Double(index))])
            #expect(JSONSchemaValidator.compiledCount <= JSONSchemaValidator.compiledLimit)
        }
        let validator = try JSONSchemaValidator.shared(schema: ["type": "string", "maxLength": 2])
        #expect(validator.validate("abc").count == 1)
    }
}
