public import Foundation
public import MeerkatService

/// The committed OpenAPI 3.1 document of the REST surface, served at `/openapi.json` and used to validate request
/// bodies, so the contract and the server cannot drift apart.
///
/// The text lives in `OpenAPIDocument+Text.swift` (compiled in, so an installed `skat` needs no resource bundle);
/// `docs/openapi.json` is a byte-identical copy for readers and tools, which a test keeps in sync.
public enum OpenAPIDocument {
    /// The document's bytes as committed.
    public static let data = Data((text + "\n").utf8)

    /// The parsed document.
    public static let json: JSONValue = (try? JSONValue.parse(data)) ?? .object([:])

    /// A validator for one schema of `components.schemas`, resolving references within the document.
    public static func validator(schema name: String) throws(JSONSchemaError) -> JSONSchemaValidator {
        var root: [String: JSONValue] = ["$ref": .string("#/components/schemas/\(name)")]
        root["components"] = json["components"]
        return try JSONSchemaValidator(schema: .object(root))
    }
}
