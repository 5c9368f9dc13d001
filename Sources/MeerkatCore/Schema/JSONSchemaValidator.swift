import Foundation

/// A schema that cannot be used (not an object, unknown `$ref`, bad keyword value).
public struct JSONSchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One way an instance fails a schema.
public struct JSONSchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// JSON Pointer to the failing value (`""` for the root, `/items/0/name`).
    public var instancePath: String
    /// The keyword that failed (`type`, `required`, ...).
    public var keyword: String
    public var message: String

    public init(instancePath: String, keyword: String, message: String) {
        self.instancePath = instancePath
        self.keyword = keyword
        self.message = message
    }

    public var description: String {
        "\(instancePath.isEmpty ? "(root)" : instancePath): \(message)"
    }
}

/// Validates JSON values against a JSON Schema (draft 2020-12 core and validation keywords subset).
public struct JSONSchemaValidator: Sendable {
    public let schema: JSONValue

    /// Checks that the schema is usable.
    public init(schema: JSONValue) throws(JSONSchemaError) {
        guard case .object = schema else { throw JSONSchemaError("schema must be a JSON object, got \(schema.typeName)") }
        self.schema = schema
    }

    /// Every violation of the schema by `instance` (empty when valid).
    public func validate(_ instance: JSONValue) -> [JSONSchemaViolation] {
        var out: [JSONSchemaViolation] = []
        check(instance, against: schema, path: "", into: &out)
        return out
    }

    private func check(_ value: JSONValue, against schema: JSONValue, path: String, into out: inout [JSONSchemaViolation]) {
        guard case .object(let keywords) = schema else { return }
        if let type = keywords["type"]?.stringValue {
            let actual = value.typeName
            let ok = type == actual || (type == "number" && actual == "integer")
            if !ok {
                out.append(.init(instancePath: path, keyword: "type", message: "expected \(type), got \(actual)"))
                return
            }
        }
        if case .object(let members) = value {
            for name in keywords["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
                out.append(.init(instancePath: path, keyword: "required", message: "missing required property '\(name)'"))
            }
            for (name, sub) in keywords["properties"]?.objectValue ?? [:] {
                if let member = members[name] { check(member, against: sub, path: path + "/" + name, into: &out) }
            }
        }
    }
}
