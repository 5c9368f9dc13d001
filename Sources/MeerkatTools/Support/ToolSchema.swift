import MeerkatCore

/// Builders for the small JSON Schemas the builtin tools advertise.
///
/// Every object schema lists `required` and sets `additionalProperties: false`, so the model sees the exact
/// argument contract.
enum ToolSchema {
    /// An object schema with the given properties.
    static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        [
            "type": "object",
            "properties": .object(properties),
            "required": .array(required.map { .string($0) }),
            "additionalProperties": false,
        ]
    }

    /// A string property.
    static func string(_ description: String) -> JSONValue {
        ["type": "string", "description": .string(description)]
    }

    /// A string property restricted to `values`.
    static func string(_ description: String, oneOf values: [String]) -> JSONValue {
        ["type": "string", "description": .string(description), "enum": .array(values.map { .string($0) })]
    }

    /// An integer property with optional bounds.
    static func integer(_ description: String, minimum: Int? = nil, maximum: Int? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "integer", "description": .string(description)]
        if let minimum { schema["minimum"] = .number(Double(minimum)) }
        if let maximum { schema["maximum"] = .number(Double(maximum)) }
        return .object(schema)
    }

    /// A number property with optional bounds.
    static func number(_ description: String, minimum: Double? = nil, maximum: Double? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "number", "description": .string(description)]
        if let minimum { schema["minimum"] = .number(minimum) }
        if let maximum { schema["maximum"] = .number(maximum) }
        return .object(schema)
    }

    /// A boolean property.
    static func boolean(_ description: String) -> JSONValue {
        ["type": "boolean", "description": .string(description)]
    }

    /// An array-of-strings property.
    static func stringArray(_ description: String) -> JSONValue {
        ["type": "array", "description": .string(description), "items": ["type": "string"]]
    }
}
