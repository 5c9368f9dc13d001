import Foundation

/// Holds the tools of an agent by name, checks arguments against each tool's schema and turns every failure
/// into an `is_error` result so the loop can continue.
public struct ToolDispatcher: Sendable {
    private let tools: [String: any Tool]
    private let order: [String]
    private let validators: [String: Result<JSONSchemaValidator, JSONSchemaError>]

    /// Registers tools; a later tool with the same name replaces an earlier one.
    public init(_ tools: [any Tool] = []) {
        var byName: [String: any Tool] = [:]
        var order: [String] = []
        var validators: [String: Result<JSONSchemaValidator, JSONSchemaError>] = [:]
        for tool in tools {
            let name = tool.definition.name
            if byName[name] == nil { order.append(name) }
            byName[name] = tool
            validators[name] = Result { () throws(JSONSchemaError) in
                try JSONSchemaValidator.shared(schema: tool.definition.inputSchema)
            }
        }
        self.tools = byName
        self.order = order
        self.validators = validators
    }

    /// Definitions of every registered tool, in registration order.
    public var definitions: [ToolDefinition] { order.compactMap { tools[$0]?.definition } }

    /// Names of every registered tool.
    public var names: [String] { order }

    /// Tools whose input schema is unusable, with the reason (they refuse every call).
    public var schemaProblems: [String: String] {
        validators.compactMapValues { result in
            if case .failure(let error) = result { return error.message }
            return nil
        }
    }

    /// True when a tool of that name is registered.
    public func contains(_ name: String) -> Bool { tools[name] != nil }

    /// A dispatcher with more tools added (replacing same-named ones).
    public func adding(_ more: [any Tool]) -> ToolDispatcher {
        ToolDispatcher(order.compactMap { tools[$0] } + more)
    }

    /// Runs one call and always returns a result: unknown tools, malformed or schema-violating arguments and
    /// thrown errors become `is_error` results that name the problem.
    public func dispatch(_ call: ToolCall, context: ToolCallContext) async -> ToolOutput {
        guard let tool = tools[call.name] else {
            return .error("Unknown tool '\(call.name)'. Available tools: \(order.joined(separator: ", ")).")
        }
        if let problem = call.argumentsError {
            return .error("Invalid arguments for tool '\(call.name)': \(problem)")
        }
        guard case .object = call.args else {
            return .error(
                "Invalid arguments for tool '\(call.name)': arguments must be a JSON object, got \(call.args.typeName)")
        }
        switch validators[call.name] {
        case .success(let validator):
            let violations = validator.validate(call.args)
            if !violations.isEmpty {
                let details = violations.map(\.description).joined(separator: "; ")
                return .error("Invalid arguments for tool '\(call.name)': \(details)")
            }
        case .failure(let error):
            // A tool whose own schema is unusable is never called with unchecked arguments.
            return .error("Tool '\(call.name)' cannot be called: its input schema is invalid (\(error.message))")
        case nil:
            break
        }
        do {
            return try await tool.call(call.args, context: context)
        } catch let error as ToolError {
            return .error("Tool '\(call.name)' failed: \(error)")
        } catch is CancellationError {
            return .error("Tool '\(call.name)' was cancelled")
        } catch {
            return .error("Tool '\(call.name)' failed: \(error)")
        }
    }
}
