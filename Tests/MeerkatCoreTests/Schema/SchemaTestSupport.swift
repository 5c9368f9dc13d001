import MeerkatCore

/// Parses JSON text written in a test; a typo in a fixture is a test bug, so it traps.
func json(_ text: String) -> JSONValue {
    do {
        return try JSONValue.parse(text)
    } catch {
        fatalError("bad JSON fixture: \(error)\n\(text)")
    }
}

/// Compiles `schema` and validates `instance`, both given as JSON text.
func violations(_ schema: String, _ instance: String) throws -> [JSONSchemaViolation] {
    try JSONSchemaValidator(schema: json(schema)).validate(json(instance))
}

/// The message `JSONSchemaValidator.init` rejects `schema` with, or `nil` when it accepts it.
func rejection(_ schema: String) -> String? {
    do {
        _ = try JSONSchemaValidator(schema: json(schema))
        return nil
    } catch {
        return error.message
    }
}

extension JSONSchemaViolation {
    /// Short form for expected violations in tests.
    init(_ instancePath: String, _ keyword: String, _ message: String) {
        self.init(instancePath: instancePath, keyword: keyword, message: message)
    }
}
