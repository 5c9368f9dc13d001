import Foundation
import Synchronization

/// A schema that cannot be used (not an object, unknown `$ref`, bad keyword value); the message names where.
public struct JSONSchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong and at which schema location (`invalid schema at '#/properties/age': ...`).
    public var message: String

    /// An error with the given message.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

/// One way an instance fails a schema.
public struct JSONSchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// JSON Pointer to the failing value (`""` for the root, `/items/0/name`).
    public var instancePath: String
    /// The keyword that failed (`type`, `required`, ...; `false` for a `false` schema).
    public var keyword: String
    /// What is wrong, for people and models (`missing required property 'name'`).
    public var message: String

    /// A violation at `instancePath`.
    public init(instancePath: String, keyword: String, message: String) {
        self.instancePath = instancePath
        self.keyword = keyword
        self.message = message
    }

    /// `(root): message` or `/a/0: message`.
    public var description: String {
        "\(instancePath.isEmpty ? "(root)" : instancePath): \(message)"
    }
}

/// Validates JSON values against a JSON Schema (draft 2020-12 validation semantics).
///
/// Supported keywords: `type`, `enum`, `const`; `multipleOf`, `minimum`, `maximum`, `exclusiveMinimum`,
/// `exclusiveMaximum`; `minLength`, `maxLength` (in code points), `pattern` (ECMA-262 style, unanchored);
/// `prefixItems`, `items`, `contains`, `minContains`, `maxContains`, `minItems`, `maxItems`, `uniqueItems`;
/// `properties`, `patternProperties`, `additionalProperties`, `propertyNames`, `required`, `dependentRequired`,
/// `dependentSchemas`, `minProperties`, `maxProperties`; `allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else`;
/// `$ref` within the document (`#`, `#/json/pointer` into `$defs`, `definitions` or anywhere else, `#anchor`);
/// boolean schemas. Other keywords are ignored: annotations (`title`, `description`, `default`, `format`, ...) as
/// the spec intends, and also `unevaluatedProperties`, `unevaluatedItems` and `$dynamicRef`, which are not
/// implemented. A nested `$id` does not change how `$ref` resolves: references are resolved in this document.
///
/// The schema is compiled once at init (refs resolved, regexes compiled), so one validator can be reused on hot
/// paths and shared across tasks.
public struct JSONSchemaValidator: Sendable {
    /// The schema document as given.
    public let schema: JSONValue
    private let evaluator: SchemaEvaluator

    /// Compiles the schema; throws naming the location of anything unusable: a root that is neither an object nor
    /// a boolean, a `$ref` that does not resolve, a keyword whose value has the wrong type, an invalid regex.
    public init(schema: JSONValue) throws(JSONSchemaError) {
        self.schema = schema
        self.evaluator = SchemaEvaluator(schema: try SchemaCompiler.compile(schema))
    }

    /// Compiled validators by schema, shared by every agent of the process: each agent's dispatcher validates its tools'
    /// arguments, and most agents offer the same builtin tools, whose schemas were compiled again for every session
    /// (CPU at session creation and a compiled copy per live session). Bounded: when full it starts over.
    private static let compiled = Mutex<[JSONValue: Result<JSONSchemaValidator, JSONSchemaError>]>([:])
    static let compiledLimit = 512
    /// How many compiled schemas are kept (for tests).
    static var compiledCount: Int { compiled.withLock { $0.count } }

    /// `JSONSchemaValidator(schema:)`, compiled once per distinct schema in the process (the same validator, or the
    /// same error, for an equal schema).
    public static func shared(schema: JSONValue) throws(JSONSchemaError) -> JSONSchemaValidator {
        if let known = compiled.withLock({ $0[schema] }) { return try known.get() }
        let result = Result { () throws(JSONSchemaError) in try JSONSchemaValidator(schema: schema) }
        compiled.withLock { cache in
            if cache.count >= compiledLimit { cache.removeAll(keepingCapacity: true) }
            cache[schema] = result
        }
        return try result.get()
    }

    /// Every violation of the schema by `instance` (empty when valid), in a stable order.
    ///
    /// A `$ref` cycle that consumes no input (`{"$ref": "#"}`) is reported as a `$ref` violation, not followed
    /// forever.
    public func validate(_ instance: JSONValue) -> [JSONSchemaViolation] {
        var state = EvaluationState(firstOnly: false)
        evaluator.check(instance, CompiledSchema.root, &state)
        return state.violations
    }

    /// True when `instance` satisfies the schema; stops at the first violation.
    public func isValid(_ instance: JSONValue) -> Bool {
        var state = EvaluationState(firstOnly: true)
        evaluator.check(instance, CompiledSchema.root, &state)
        return state.violations.isEmpty
    }
}
