import Foundation

/// Turns a schema document into a `CompiledSchema`, rejecting anything validation could not use.
///
/// Every subschema reachable through a known keyword (and every `$defs` / `definitions` entry) is compiled
/// eagerly, so keyword errors anywhere in the document surface at init. `$ref`s are resolved after that pass;
/// a target that is not otherwise a subschema (`#/x/y`) is compiled on demand.
struct SchemaCompiler {
    private let document: JSONValue
    /// The root `$id` without fragment: a `$ref` may name the document by it.
    private let rootID: String?
    private var nodes: [SchemaNode] = []
    private var nodeByLocation: [String: CompiledSchema.NodeID] = [:]
    private var anchors: [String: CompiledSchema.NodeID] = [:]
    private var pendingRefs: [(node: CompiledSchema.NodeID, ref: String)] = []

    /// Compiles `document`; throws naming the location of the first unusable part.
    static func compile(_ document: JSONValue) throws(JSONSchemaError) -> CompiledSchema {
        switch document {
        case .object, .bool: break
        default: throw JSONSchemaError("schema must be a JSON object or boolean, got \(document.typeName)")
        }
        var compiler = SchemaCompiler(document: document)
        _ = try compiler.compileNode(document, at: "#")
        var next = 0
        // Resolving a ref can compile new nodes that hold further refs, so the list may grow while walking it.
        while next < compiler.pendingRefs.count {
            let (node, ref) = compiler.pendingRefs[next]
            compiler.nodes[node].ref = try compiler.resolve(ref, from: compiler.nodes[node].location)
            next += 1
        }
        return CompiledSchema(nodes: compiler.nodes)
    }

    private init(document: JSONValue) {
        self.document = document
        if case .string(let id) = document["$id"] {
            rootID = id.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
        } else {
            rootID = nil
        }
    }

    // MARK: Nodes

    private mutating func compileNode(
        _ value: JSONValue, at location: String
    ) throws(JSONSchemaError) -> CompiledSchema.NodeID {
        if let existing = nodeByLocation[location] { return existing }
        let id = nodes.count
        nodeByLocation[location] = id
        switch value {
        case .bool(let flag):
            nodes.append(SchemaNode(location: location, alwaysValid: flag))
        case .object(let keywords):
            // Reserve the slot first so refs to this location (or its ancestors) found below get a stable id.
            nodes.append(SchemaNode(location: location))
            let node = try compileKeywords(keywords, id: id, at: location)
            nodes[id] = node
        default:
            throw JSONSchemaError(
                "invalid schema at '\(location)': a schema must be an object or boolean, got \(value.typeName)")
        }
        return id
    }

    private mutating func compileKeywords(
        _ keywords: [String: JSONValue], id: CompiledSchema.NodeID, at location: String
    ) throws(JSONSchemaError) -> SchemaNode {
        let reader = KeywordReader(keywords: keywords, location: location)
        var node = SchemaNode(location: location)

        if let ref = try reader.string("$ref") {
            node.refText = ref
            pendingRefs.append((id, ref))
        }
        if let anchor = try reader.string("$anchor") { anchors[anchor] = id }
        for container in ["$defs", "definitions"] {
            for (name, schema) in try reader.object(container).sorted(by: { $0.key < $1.key }) {
                _ = try compileNode(schema, at: location + "/" + container + "/" + JSONPointer.escape(name))
            }
        }

        node.types = try reader.types()
        if let values = keywords["enum"] {
            guard case .array(let elements) = values else { throw reader.wrongType("enum", expected: "an array") }
            node.enumValues = elements
        }
        node.constValue = keywords["const"]

        node.multipleOf = try reader.number("multipleOf")
        if let divisor = node.multipleOf, divisor <= 0 {
            throw reader.invalid("'multipleOf' must be greater than 0, got \(SchemaText.number(divisor))")
        }
        node.minimum = try reader.number("minimum")
        node.maximum = try reader.number("maximum")
        node.exclusiveMinimum = try reader.number("exclusiveMinimum")
        node.exclusiveMaximum = try reader.number("exclusiveMaximum")

        node.minLength = try reader.count("minLength")
        node.maxLength = try reader.count("maxLength")
        if let source = try reader.string("pattern") {
            guard let pattern = SchemaPattern(source) else {
                throw reader.invalid("'pattern' is not a valid regular expression: '\(source)'")
            }
            node.pattern = pattern
        }

        node.minItems = try reader.count("minItems")
        node.maxItems = try reader.count("maxItems")
        node.uniqueItems = try reader.bool("uniqueItems") ?? false
        node.prefixItems = try compileList("prefixItems", reader)
        if case .array = keywords["items"] {
            throw reader.invalid(
                "'items' must be a schema (object or boolean), got array; use 'prefixItems' for tuple validation")
        }
        node.items = try compileChild("items", reader)
        node.contains = try compileChild("contains", reader)
        node.minContains = try reader.count("minContains")
        node.maxContains = try reader.count("maxContains")

        node.required = try reader.strings("required") ?? []
        for (property, names) in try reader.object("dependentRequired").sorted(by: { $0.key < $1.key }) {
            let entry = "'dependentRequired' entry '\(property)' must be an array of strings"
            guard case .array(let elements) = names else { throw reader.invalid("\(entry), got \(names.typeName)") }
            var strings: [String] = []
            for (index, element) in elements.enumerated() {
                guard case .string(let name) = element else {
                    throw reader.invalid("\(entry), but element \(index) is \(element.typeName)")
                }
                strings.append(name)
            }
            node.dependentRequired.append((property, strings))
        }
        node.minProperties = try reader.count("minProperties")
        node.maxProperties = try reader.count("maxProperties")
        node.propertyNames = try compileChild("propertyNames", reader)
        for (name, schema) in try reader.object("properties") {
            node.properties[name] = try compileNode(schema, at: location + "/properties/" + JSONPointer.escape(name))
        }
        for (source, schema) in try reader.object("patternProperties").sorted(by: { $0.key < $1.key }) {
            guard let pattern = SchemaPattern(source) else {
                throw reader.invalid("'patternProperties' key is not a valid regular expression: '\(source)'")
            }
            let child = try compileNode(schema, at: location + "/patternProperties/" + JSONPointer.escape(source))
            node.patternProperties.append((pattern, child))
        }
        node.additionalProperties = try compileChild("additionalProperties", reader)
        for (property, schema) in try reader.object("dependentSchemas").sorted(by: { $0.key < $1.key }) {
            let child = try compileNode(schema, at: location + "/dependentSchemas/" + JSONPointer.escape(property))
            node.dependentSchemas.append((property, child))
        }

        node.allOf = try compileList("allOf", reader, nonEmpty: true)
        node.anyOf = try compileList("anyOf", reader, nonEmpty: true)
        node.oneOf = try compileList("oneOf", reader, nonEmpty: true)
        node.not = try compileChild("not", reader)
        node.ifSchema = try compileChild("if", reader)
        node.thenSchema = try compileChild("then", reader)
        node.elseSchema = try compileChild("else", reader)
        return node
    }

    private mutating func compileChild(
        _ keyword: String, _ reader: KeywordReader
    ) throws(JSONSchemaError) -> CompiledSchema.NodeID? {
        guard let value = reader.keywords[keyword] else { return nil }
        return try compileNode(value, at: reader.location + "/" + keyword)
    }

    private mutating func compileList(
        _ keyword: String, _ reader: KeywordReader, nonEmpty: Bool = false
    ) throws(JSONSchemaError) -> [CompiledSchema.NodeID] {
        guard let value = reader.keywords[keyword] else { return [] }
        guard case .array(let elements) = value else {
            throw reader.wrongType(keyword, expected: "an array of schemas")
        }
        if nonEmpty, elements.isEmpty { throw reader.invalid("'\(keyword)' must not be empty") }
        var ids: [CompiledSchema.NodeID] = []
        for (index, element) in elements.enumerated() {
            ids.append(try compileNode(element, at: "\(reader.location)/\(keyword)/\(index)"))
        }
        return ids
    }

    // MARK: References

    /// Resolves a `$ref` within this document: `#`, `#/json/pointer` (percent- and `~`-escaped) or `#anchor`.
    private mutating func resolve(
        _ ref: String, from location: String
    ) throws(JSONSchemaError) -> CompiledSchema.NodeID {
        func failure(_ reason: String) -> JSONSchemaError {
            JSONSchemaError("invalid schema at '\(location)': $ref '\(ref)' \(reason)")
        }
        let parts = ref.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let base = String(parts[0])
        let fragment = parts.count > 1 ? String(parts[1]) : ""
        guard base.isEmpty || base == rootID else {
            throw failure("is not supported: only references within this schema ('#...') can be resolved")
        }
        guard let decoded = fragment.removingPercentEncoding else { throw failure("has invalid percent-encoding") }
        if decoded.isEmpty { return CompiledSchema.root }
        guard decoded.hasPrefix("/") else {
            guard let node = anchors[decoded] else { throw failure("does not resolve: no $anchor '\(decoded)'") }
            return node
        }
        guard let tokens = JSONPointer.tokens(decoded) else {
            throw failure("is not a valid JSON Pointer ('~' must be followed by '0' or '1')")
        }
        let canonical = "#" + tokens.map { "/" + JSONPointer.escape($0) }.joined()
        if let node = nodeByLocation[canonical] { return node }
        guard let target = JSONPointer.resolve(tokens, in: document) else {
            throw failure("does not resolve: nothing at '\(canonical)'")
        }
        switch target {
        case .object, .bool: return try compileNode(target, at: canonical)
        default: throw failure("points to \(article(target.typeName)) \(target.typeName), not a schema")
        }
    }

    private func article(_ word: String) -> String {
        word.first.map { "aeiou".contains($0) } == true ? "an" : "a"
    }
}

/// Reads keyword values with type checks whose errors name the schema location and the keyword.
private struct KeywordReader {
    let keywords: [String: JSONValue]
    let location: String

    func invalid(_ reason: String) -> JSONSchemaError {
        JSONSchemaError("invalid schema at '\(location)': \(reason)")
    }

    func wrongType(_ keyword: String, expected: String) -> JSONSchemaError {
        invalid("'\(keyword)' must be \(expected), got \(keywords[keyword]?.typeName ?? "nothing")")
    }

    func string(_ keyword: String) throws(JSONSchemaError) -> String? {
        guard let value = keywords[keyword] else { return nil }
        guard case .string(let text) = value else { throw wrongType(keyword, expected: "a string") }
        return text
    }

    func bool(_ keyword: String) throws(JSONSchemaError) -> Bool? {
        guard let value = keywords[keyword] else { return nil }
        guard case .bool(let flag) = value else { throw wrongType(keyword, expected: "a boolean") }
        return flag
    }

    func number(_ keyword: String) throws(JSONSchemaError) -> Double? {
        guard let value = keywords[keyword] else { return nil }
        guard case .number(let number) = value else { throw wrongType(keyword, expected: "a number") }
        return number
    }

    /// A non-negative integer (`minLength`, `maxItems`, ...); `2.0` is accepted as 2.
    func count(_ keyword: String) throws(JSONSchemaError) -> Int? {
        guard let value = keywords[keyword] else { return nil }
        guard case .number(let number) = value, number >= 0, number.rounded() == number else {
            throw invalid(
                "'\(keyword)' must be a non-negative integer, got \(SchemaText.value(value, limit: 40))")
        }
        return number >= Double(Int.max) ? Int.max : Int(number)
    }

    func strings(_ keyword: String) throws(JSONSchemaError) -> [String]? {
        guard let value = keywords[keyword] else { return nil }
        guard case .array(let elements) = value else { throw wrongType(keyword, expected: "an array of strings") }
        var strings: [String] = []
        for (index, element) in elements.enumerated() {
            guard case .string(let text) = element else {
                throw invalid("'\(keyword)' must be an array of strings, but element \(index) is \(element.typeName)")
            }
            strings.append(text)
        }
        return strings
    }

    func object(_ keyword: String) throws(JSONSchemaError) -> [String: JSONValue] {
        guard let value = keywords[keyword] else { return [:] }
        guard case .object(let members) = value else { throw wrongType(keyword, expected: "an object") }
        return members
    }

    func types() throws(JSONSchemaError) -> [SchemaType]? {
        guard let value = keywords["type"] else { return nil }
        let names: [JSONValue]
        switch value {
        case .string: names = [value]
        case .array(let elements) where !elements.isEmpty: names = elements
        default: throw wrongType("type", expected: "a type name or a non-empty array of type names")
        }
        var types: [SchemaType] = []
        for name in names {
            guard case .string(let text) = name, let type = SchemaType(rawValue: text) else {
                let known = SchemaType.allCases.map(\.rawValue).joined(separator: ", ")
                throw invalid(
                    "'type' has unknown type \(SchemaText.value(name, limit: 40)) (expected one of \(known))")
            }
            types.append(type)
        }
        return types
    }
}
