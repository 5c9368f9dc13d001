public import MeerkatCore

/// Converts JSON Schema to Gemini's OpenAPI-subset `Schema` (PROVIDERS.md §4.2): upper-case `type` enums,
/// `["x", "null"]` types as `nullable`, `const` as a one-value `enum`, `oneOf` as `anyOf`, and every keyword the
/// API rejects (`additionalProperties`, `$schema`, `$ref`, ...) dropped.
public enum GeminiSchema {
    private static let keptKeywords: Set<String> = [
        "format", "title", "description", "nullable", "enum", "maxItems", "minItems", "required", "minProperties",
        "maxProperties", "minLength", "maxLength", "pattern", "example", "propertyOrdering", "default", "minimum",
        "maximum",
    ]

    /// The Gemini form of `schema`.
    public static func convert(_ schema: JSONValue) -> JSONValue {
        guard case .object(let object) = schema else { return schema }
        var result: [String: JSONValue] = [:]
        for (key, value) in object where keptKeywords.contains(key) { result[key] = value }
        switch object["type"] {
        case .string(let type)?:
            result["type"] = .string(type.uppercased())
        case .array(let types)?:
            let names = types.compactMap(\.stringValue)
            if let primary = names.first(where: { $0 != "null" }) { result["type"] = .string(primary.uppercased()) }
            if names.contains("null") { result["nullable"] = true }
        default:
            break
        }
        if let constant = object["const"] { result["enum"] = [constant] }
        if case .object(let properties)? = object["properties"] {
            result["properties"] = .object(properties.mapValues(convert))
        }
        if let items = object["items"] { result["items"] = convert(items) }
        if let variants = (object["anyOf"] ?? object["oneOf"])?.arrayValue {
            result["anyOf"] = .array(variants.map(convert))
        }
        return .object(result)
    }
}
