/// A schema compiled into a table of nodes, so validation never re-reads keyword values or re-resolves `$ref`.
///
/// Subschemas refer to each other by index; a `$ref` is just an index, which is how recursive schemas are
/// represented without reference cycles between values.
struct CompiledSchema: Sendable {
    /// Index of a node in `nodes`.
    typealias NodeID = Int

    /// The root schema's node.
    static let root: NodeID = 0

    /// Every compiled subschema; `nodes[root]` is the schema itself.
    var nodes: [SchemaNode]
}

/// The JSON types a `type` keyword can name.
enum SchemaType: String, Sendable, CaseIterable {
    case null, boolean, object, array, number, string, integer

    /// True when `value` is of this type; whole numbers (including `1.0`) are integers, and integers are numbers.
    func admits(_ value: JSONValue) -> Bool {
        switch (self, value) {
        case (.null, .null), (.boolean, .bool), (.object, .object), (.array, .array), (.string, .string),
            (.number, .number):
            true
        case (.integer, .number(let number)): number.rounded() == number
        default: false
        }
    }
}

/// One compiled subschema: a boolean schema (`alwaysValid` set) or the keywords that apply.
struct SchemaNode: Sendable {
    /// Where the subschema sits in the schema document (`#/properties/a`), for messages.
    var location: String
    /// `true` / `false` for boolean schemas; `nil` for object schemas.
    var alwaysValid: Bool?

    var ref: CompiledSchema.NodeID?
    var refText: String?
    var types: [SchemaType]?
    var enumValues: [JSONValue]?
    var constValue: JSONValue?

    var multipleOf: Double?
    var minimum: Double?
    var exclusiveMinimum: Double?
    var maximum: Double?
    var exclusiveMaximum: Double?

    var minLength: Int?
    var maxLength: Int?
    var pattern: SchemaPattern?

    var minItems: Int?
    var maxItems: Int?
    var uniqueItems = false
    var prefixItems: [CompiledSchema.NodeID] = []
    var items: CompiledSchema.NodeID?
    var contains: CompiledSchema.NodeID?
    var minContains: Int?
    var maxContains: Int?

    var required: [String] = []
    var dependentRequired: [(property: String, requires: [String])] = []
    var minProperties: Int?
    var maxProperties: Int?
    var propertyNames: CompiledSchema.NodeID?
    var properties: [String: CompiledSchema.NodeID] = [:]
    var patternProperties: [(pattern: SchemaPattern, node: CompiledSchema.NodeID)] = []
    var additionalProperties: CompiledSchema.NodeID?
    var dependentSchemas: [(property: String, node: CompiledSchema.NodeID)] = []

    var allOf: [CompiledSchema.NodeID] = []
    var anyOf: [CompiledSchema.NodeID] = []
    var oneOf: [CompiledSchema.NodeID] = []
    var not: CompiledSchema.NodeID?
    var ifSchema: CompiledSchema.NodeID?
    var thenSchema: CompiledSchema.NodeID?
    var elseSchema: CompiledSchema.NodeID?

    init(location: String, alwaysValid: Bool? = nil) {
        self.location = location
        self.alwaysValid = alwaysValid
    }

    /// True when the object-member keywords have nothing to check, so members need not be visited.
    var hasMemberSchemas: Bool {
        !properties.isEmpty || !patternProperties.isEmpty || additionalProperties != nil || propertyNames != nil
    }
}
