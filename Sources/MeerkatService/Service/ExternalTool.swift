public import Foundation
public import MeerkatCore

/// A tool whose work happens outside this process: a connected client executes it when the model calls it
/// (`tools/register` of the JSON-RPC surface). The executor always answers: a client that went away answers with a
/// typed error result, so no `tool_use` is ever left without its `tool_result`.
public struct ExternalTool: Tool {
    /// Runs one call on the provider's side.
    public typealias Executor = @Sendable (_ arguments: JSONValue, _ context: ToolCallContext) async -> ToolOutput

    public let definition: ToolDefinition
    private let executor: Executor

    public init(definition: ToolDefinition, executor: @escaping Executor) {
        self.definition = definition
        self.executor = executor
    }

    public func call(_ arguments: JSONValue, context: ToolCallContext) async throws -> ToolOutput {
        await executor(arguments, context)
    }
}

/// Who provided a set of external tools (one client connection); removing the provider removes its tools.
public struct ExternalToolProviderID: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UUID

    public init() { rawValue = UUID() }

    public var description: String { rawValue.lowercaseText }
}
